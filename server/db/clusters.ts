/**
 * Clusters the console manages. The built-in broker has a row like any attached cluster, so
 * every console feature addresses clusters the same way.
 *
 * The `Cluster` table stores `kind` and `config` as strings (the schema stays portable across
 * SQLite and PostgreSQL); this module is where they are validated on the way out.
 */
import { z } from 'zod';
import { isUniqueViolation, type Db } from './client.js';

export const CLUSTER_KINDS = ['builtin', 'kafka', 'rabbitmq'] as const;
export const clusterKindSchema = z.enum(CLUSTER_KINDS);
export type ClusterKind = z.infer<typeof clusterKindSchema>;

export const BUILTIN_CLUSTER_NAME = 'built-in';

/** Connection settings: a JSON object whose shape belongs to the connector of the kind. */
export const clusterConfigSchema = z.record(z.string(), z.unknown());
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

export interface Cluster {
  id: string;
  name: string;
  kind: ClusterKind;
  config: ClusterConfig;
  createdAt: Date;
  updatedAt: Date;
}

/** A row that does not hold what the application wrote: named, so an operator can fix it. */
export class InvalidClusterRowError extends Error {
  override readonly name = 'InvalidClusterRowError';
  constructor(
    readonly clusterName: string,
    readonly problem: string,
  ) {
    super(`Cluster "${clusterName}" in the metadata database is invalid: ${problem}`);
  }
}

type ClusterRow = Awaited<ReturnType<Db['cluster']['findFirstOrThrow']>>;

export function toCluster(row: ClusterRow): Cluster {
  const kind = clusterKindSchema.safeParse(row.kind);
  if (!kind.success) {
    throw new InvalidClusterRowError(row.name, `kind is "${row.kind}", expected one of ${CLUSTER_KINDS.join(', ')}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(row.config);
  } catch {
    throw new InvalidClusterRowError(row.name, 'config is not valid JSON');
  }
  const config = clusterConfigSchema.safeParse(json);
  if (!config.success) throw new InvalidClusterRowError(row.name, 'config is not a JSON object');
  return { ...row, kind: kind.data, config: config.data };
}

/**
 * Makes sure the built-in broker's cluster row exists and returns it. Idempotent, and safe when
 * several processes start at once (the web server and `npm run broker`, say): a concurrent
 * insert that wins the race makes this one read the row instead. An existing row is left as
 * it is.
 */
export async function ensureBuiltinCluster(db: Db): Promise<Cluster> {
  const upsert = () =>
    db.cluster.upsert({
      where: { name: BUILTIN_CLUSTER_NAME },
      create: { name: BUILTIN_CLUSTER_NAME, kind: 'builtin' satisfies ClusterKind, config: '{}' },
      update: {},
    });
  try {
    return toCluster(await upsert());
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return toCluster(await db.cluster.findUniqueOrThrow({ where: { name: BUILTIN_CLUSTER_NAME } }));
  }
}

/** All clusters, built-in first, then by name. */
export async function listClusters(db: Db): Promise<Cluster[]> {
  const rows = await db.cluster.findMany({ orderBy: { name: 'asc' } });
  return rows
    .map(toCluster)
    .sort((a, b) => Number(b.kind === 'builtin') - Number(a.kind === 'builtin') || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
