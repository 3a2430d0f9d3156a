'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ClusterOverview } from '../../../../server/clusters/overview.js';
import { api, clusterPath } from '../../../../lib/api-client.js';
import { formatBytes, formatCount, paths } from '../../../../lib/format.js';
import { clusterKeys } from '../../../../lib/query-keys.js';
import { LiveTraffic, useTrafficRates } from '../../../ui/live-traffic';
import { LaggingGroups } from './lagging-groups';

const POLL_MS = 2_000;

/** What the overview shows of the cluster that does not need polling. */
export interface ClusterAbout {
  kind: string;
  version: string;
  nodes: number;
  bytesOnDisk: number | null;
}

/** The overview page. Rendered on the server with the first reading (first paint), then polled
 * every 2 s: health, counts and lagging groups follow, and rates come from consecutive readings. */
export function LiveOverview({ cluster, about, initial }: { cluster: string; about: ClusterAbout; initial: ClusterOverview }) {
  const { data = initial, error } = useQuery({
    queryKey: clusterKeys.overview(cluster),
    queryFn: ({ signal }) => api<ClusterOverview>(clusterPath(cluster, 'overview'), { signal }),
    initialData: initial,
    refetchInterval: POLL_MS,
  });
  const points = useTrafficRates(data.traffic);

  const health = data.health;
  return (
    <>
      <div className="page-head">
        <h1>{cluster}</h1>
        <p className="muted">
          {about.kind} cluster · version {about.version} · health <strong data-testid="cluster-health">{health.status}</strong> (
          {health.latencyMs < 1 ? '<1' : Math.round(health.latencyMs)} ms)
        </p>
      </div>
      {health.problems.length > 0 && <p className="warn">{health.problems.join('; ')}</p>}
      {error && <p className="bad">Live refresh failed: {(error as Error).message}</p>}
      <div className="cards" style={{ marginTop: 20 }}>
        <div className="card">
          <h2>Topics</h2>
          <div className="value" data-testid="count-topics">
            {formatCount(data.counts.topics)}
          </div>
          <Link href={paths.topics(cluster)}>Browse topics</Link>
        </div>
        <div className="card">
          <h2>Partitions</h2>
          <div className="value" data-testid="count-partitions">
            {formatCount(data.counts.partitions)}
          </div>
        </div>
        <div className="card">
          <h2>Nodes</h2>
          <div className="value">{formatCount(about.nodes)}</div>
        </div>
        <div className="card">
          <h2>On disk</h2>
          <div className="value">{formatBytes(about.bytesOnDisk)}</div>
        </div>
        <div className="card">
          <h2>Consumer groups</h2>
          <div className="value" data-testid="count-groups">
            {formatCount(data.counts.groups)}
          </div>
          <Link href={paths.groups(cluster)}>All groups</Link>
        </div>
        <div className="card">
          <h2>Queue subscriptions</h2>
          <div className="value" data-testid="count-subscriptions">
            {data.counts.subscriptions === null ? 'n/a' : formatCount(data.counts.subscriptions)}
          </div>
          {data.counts.subscriptions !== null && <Link href={`${paths.cluster(cluster)}/queues`}>Queues</Link>}
        </div>
      </div>

      <section className="panel" style={{ marginTop: 20 }}>
        <h2>Traffic</h2>
        {data.traffic === null ? (
          <p className="muted">This cluster does not report traffic counters (see docs/connectors.md).</p>
        ) : (
          <LiveTraffic points={points} pollMs={POLL_MS} />
        )}
      </section>

      <section className="panel" style={{ marginTop: 20 }}>
        <h2>Most lagging groups</h2>
        <LaggingGroups cluster={cluster} groups={data.laggingGroups} groupsSupported={data.counts.groups !== null} />
      </section>
    </>
  );
}
