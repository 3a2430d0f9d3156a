/** Reading a group's lag series: the read is also what keeps the group sampled (see sampler.ts). */
import 'server-only';
import type { Db } from '../db/client.js';
import { withCluster } from '../clusters/http.js';
import { connectorFor } from '../clusters/registry.js';
import { getLagSampler, type LagSampler } from './sampler.js';
import type { LagSeries } from './schemas.js';
import { readSeries } from './series.js';

export async function readLagSeries(db: Db, clusterName: string, groupId: string, minutes: number, sampler: LagSampler = getLagSampler(connectorFor)): Promise<LagSeries> {
  return withCluster(db, clusterName, async (connector, cluster) => {
    // Surfaces an unknown group or a down cluster as the usual HTTP error before anything is kept.
    await connector.getGroup(groupId);
    await sampler.watch(cluster, groupId);
    const since = new Date(Date.now() - minutes * 60_000);
    return {
      samples: await readSeries(db, cluster.id, groupId, since),
      intervalSeconds: sampler.intervalMs / 1000,
      retentionHours: sampler.retentionMs / 3_600_000,
    };
  });
}
