/**
 * Credentials of attached clusters (SASL passwords, management API passwords, TLS keys), stored
 * encrypted in the `secrets` column of `Cluster` and write-only towards clients: the API can set
 * or clear them and learn whether there are any (`hasSecrets`), never read them back. Only the
 * connector that dials the cluster decrypts them, in the server.
 *
 * Each value is bound to its row (context `cluster:<id>`), so a ciphertext copied into another
 * cluster's row does not decrypt there.
 */
import { z } from 'zod';
import { SluiceError } from '../../broker/errors.js';
import { getDb, type Db } from '../db/client.js';
import { decryptJson, encryptJson } from './envelope.js';
import { processSecretKey, type SecretKey } from './key.js';

/** A JSON object of credentials; its shape belongs to the connector of the cluster's kind. */
export const clusterSecretsSchema = z.record(z.string().min(1), z.unknown());
export type ClusterSecrets = z.infer<typeof clusterSecretsSchema>;

export interface ClusterSecretsOptions {
  db?: Db;
  key?: SecretKey;
}

/** What a client may learn about a cluster's secrets. */
export interface ClusterSecretsView {
  hasSecrets: boolean;
}

const context = (clusterId: string) => `cluster:${clusterId}`;

/**
 * Replaces the cluster's secrets; `null` or `{}` clears them. Throws SluiceError UNKNOWN_CLUSTER
 * for an unknown id and a ZodError for anything but a JSON object; nothing is written then.
 */
export async function setClusterSecrets(clusterId: string, secrets: ClusterSecrets | null, options: ClusterSecretsOptions = {}): Promise<ClusterSecretsView> {
  const parsed = secrets === null ? {} : clusterSecretsSchema.parse(secrets);
  const hasSecrets = Object.keys(parsed).length > 0;
  const stored = hasSecrets ? encryptJson(parsed, options.key ?? (await processSecretKey()), context(clusterId)) : '';
  const { count } = await (options.db ?? getDb()).cluster.updateMany({ where: { id: clusterId }, data: { secrets: stored } });
  if (count === 0) throw new SluiceError('UNKNOWN_CLUSTER', `no cluster has id ${clusterId}`, { clusterId });
  return { hasSecrets };
}

/** For the connector only (never for a response): the decrypted secrets, `{}` when none. */
export async function readClusterSecrets(clusterId: string, options: ClusterSecretsOptions = {}): Promise<ClusterSecrets> {
  const row = await (options.db ?? getDb()).cluster.findUnique({ where: { id: clusterId }, select: { secrets: true } });
  if (!row) throw new SluiceError('UNKNOWN_CLUSTER', `no cluster has id ${clusterId}`, { clusterId });
  if (row.secrets === '') return {};
  const value = decryptJson(row.secrets, options.key ?? (await processSecretKey()), context(clusterId));
  const parsed = clusterSecretsSchema.safeParse(value);
  if (!parsed.success) throw new SluiceError('SECRET_UNREADABLE', `secrets of cluster ${clusterId} are not a JSON object`, { clusterId, reason: 'malformed' });
  return parsed.data;
}

/** The client-facing view of a row's `secrets` column. */
export function clusterSecretsView(row: { secrets: string }): ClusterSecretsView {
  return { hasSecrets: row.secrets !== '' };
}
