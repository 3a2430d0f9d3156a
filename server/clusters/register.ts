/**
 * Registering and removing attached clusters (admin). The row and its encrypted secrets are
 * written together or not at all: secrets that fail to encrypt remove the row again, so a failed
 * registration leaves nothing half-written.
 */
import 'server-only';
import { z } from 'zod';
import { HttpError } from '../api/errors.js';
import { BUILTIN_CLUSTER_NAME, clusterConfigSchema } from '../db/clusters.js';
import { isUniqueViolation, type Db } from '../db/client.js';
import { clusterSecretsSchema, setClusterSecrets } from '../secrets/cluster-secrets.js';
import { clusterRecord, findCluster, type ClusterRecord } from './registry.js';

export const registerClusterSchema = z.object({
  /** Used in URLs: letters, digits, `.`, `_`, `-`. */
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  /** The built-in broker registers itself; only attached kinds are added here. */
  kind: z.enum(['kafka', 'rabbitmq']),
  /** Connection settings (bootstrap servers, management URL...), no credentials. */
  config: clusterConfigSchema.default({}),
  /** Credentials, stored encrypted and never returned (the response says `hasSecrets`). */
  secrets: clusterSecretsSchema.optional(),
});
export type RegisterClusterRequest = z.output<typeof registerClusterSchema>;

export async function registerCluster(db: Db, request: RegisterClusterRequest): Promise<ClusterRecord> {
  let row;
  try {
    row = await db.cluster.create({ data: { name: request.name, kind: request.kind, config: JSON.stringify(request.config) } });
  } catch (err) {
    if (isUniqueViolation(err)) throw new HttpError(409, 'conflict', `a cluster named "${request.name}" already exists`);
    throw err;
  }
  if (request.secrets && Object.keys(request.secrets).length > 0) {
    try {
      await setClusterSecrets(row.id, request.secrets, { db });
    } catch (err) {
      await db.cluster.delete({ where: { id: row.id } });
      throw err;
    }
    return findCluster(db, request.name);
  }
  return clusterRecord(row);
}

/** Forgets an attached cluster (its secrets go with the row); the built-in one cannot be removed. */
export async function removeCluster(db: Db, name: string): Promise<void> {
  const cluster = await findCluster(db, name);
  if (cluster.kind === 'builtin' || cluster.name === BUILTIN_CLUSTER_NAME) {
    throw new HttpError(409, 'conflict', `cluster "${name}" is the built-in broker and cannot be removed`);
  }
  await db.cluster.deleteMany({ where: { id: cluster.id } });
}
