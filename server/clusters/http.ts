/**
 * Connector outcomes as HTTP errors, in the API's one error shape (code = the ConnectorError
 * code, lower case; details name the cluster). server/api/errors.ts maps a ConnectorError the
 * same way wherever it is thrown; `withCluster` also resolves the cluster's connector.
 */
import 'server-only';
import { ConnectorError, type ClusterConnector } from '../../broker/control/connectors/index.js';
import { HttpError } from '../api/errors.js';
import type { Db } from '../db/client.js';
import { connectorFor, findCluster, type ClusterRecord } from './registry.js';

export function toHttpError(err: unknown): unknown {
  if (!(err instanceof ConnectorError)) return err;
  return new HttpError(err.status, err.code.toLowerCase(), err.message, { cluster: err.cluster, ...err.details });
}

/** Resolves the cluster and its connector, runs `op`, and maps connector errors to HTTP. */
export async function withCluster<T>(db: Db, name: string, op: (connector: ClusterConnector, cluster: ClusterRecord) => Promise<T>): Promise<T> {
  try {
    const cluster = await findCluster(db, name);
    return await op(connectorFor(cluster), cluster);
  } catch (err) {
    throw toHttpError(err);
  }
}
