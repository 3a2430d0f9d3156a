/**
 * The connector registry: cluster name → `ClusterConnector`. Clusters are rows of the metadata
 * database (server/db/clusters.ts); the built-in one is served in process over the running
 * broker, attached kinds answer UNSUPPORTED until their connectors exist (a later issue).
 *
 * Connectors are built per call: the built-in one is a thin view over the process-wide broker,
 * so a broker restarted under the same process is picked up without invalidating any cache.
 */
import 'server-only';
import { BuiltinConnector, ConnectorError, sourceFromBroker, type ClusterConnector, type ClusterHealth } from '../../broker/control/connectors/index.js';
import { getBroker } from '../../broker/runtime.js';
import { BUILTIN_CLUSTER_NAME, ensureBuiltinCluster, toCluster, type ClusterConfig, type ClusterKind } from '../db/clusters.js';
import type { Db } from '../db/client.js';
import { clusterSecretsView } from '../secrets/cluster-secrets.js';

/** What the API shows of a cluster row: never the `secrets` column, only whether it is set. */
export interface ClusterRecord {
  id: string;
  name: string;
  kind: ClusterKind;
  config: ClusterConfig;
  hasSecrets: boolean;
  createdAt: string;
  updatedAt: string;
}

export const ATTACH_NOT_AVAILABLE = 'attach connectors are not available yet';

type ClusterRow = Parameters<typeof toCluster>[0];

export function clusterRecord(row: ClusterRow): ClusterRecord {
  const c = toCluster(row);
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    config: c.config,
    hasSecrets: clusterSecretsView(row).hasSecrets,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Reads are the common case: only write (an idempotent upsert) when the row is missing. */
async function ensureBuiltinRow(db: Db): Promise<void> {
  if (!(await db.cluster.findUnique({ where: { name: BUILTIN_CLUSTER_NAME }, select: { id: true } }))) await ensureBuiltinCluster(db);
}

/** Every cluster, built-in first (its row is created on first use), then by name. */
export async function listClusterRecords(db: Db): Promise<ClusterRecord[]> {
  await ensureBuiltinRow(db);
  const rows = await db.cluster.findMany({ orderBy: { name: 'asc' } });
  return rows.map(clusterRecord).sort((a, b) => Number(b.kind === 'builtin') - Number(a.kind === 'builtin'));
}

/** The cluster named `name`; NOT_FOUND (404) when there is none. */
export async function findCluster(db: Db, name: string): Promise<ClusterRecord> {
  if (name === BUILTIN_CLUSTER_NAME) await ensureBuiltinRow(db);
  const row = await db.cluster.findUnique({ where: { name } });
  if (!row) throw new ConnectorError('NOT_FOUND', `cluster "${name}" does not exist`, name);
  return clusterRecord(row);
}

/**
 * The connector for a cluster. UNAVAILABLE (502) when the built-in broker is not running in this
 * process; UNSUPPORTED (501) for attached kinds, whose connectors are not built yet.
 */
export function connectorFor(cluster: Pick<ClusterRecord, 'name' | 'kind'>): ClusterConnector {
  if (cluster.kind === 'builtin') {
    const broker = getBroker();
    if (!broker) throw new ConnectorError('UNAVAILABLE', `cluster "${cluster.name}" is unavailable: the built-in broker is not running in this process`, cluster.name);
    return new BuiltinConnector({ name: cluster.name, source: sourceFromBroker(broker) });
  }
  throw new ConnectorError(
    'UNSUPPORTED',
    `cluster "${cluster.name}" is a ${cluster.kind} cluster: ${ATTACH_NOT_AVAILABLE} (the ${cluster.kind} connector is a later release)`,
    cluster.name,
    { kind: cluster.kind },
  );
}

/** Health without throwing: a cluster the console cannot reach (or has no connector for) is `down`
 * with the reason, so one bad cluster never breaks the cluster list. */
export async function clusterHealth(cluster: Pick<ClusterRecord, 'name' | 'kind'>): Promise<ClusterHealth> {
  try {
    return await connectorFor(cluster).health();
  } catch (err) {
    if (!(err instanceof ConnectorError)) throw err;
    return { status: 'down', checkedAt: Date.now(), latencyMs: 0, problems: [err.message] };
  }
}
