/** Turns the store's and coordinator's failures into ConnectorErrors naming the cluster. */
import { isSluiceError } from '../../../errors.js';
import { ConfigError } from '../../../kafka/handlers/topic-configs.js';
import { ConnectorError, type ConnectorErrorCode } from '../errors.js';

const BY_CODE: Record<string, ConnectorErrorCode> = {
  UNKNOWN_TOPIC: 'NOT_FOUND',
  UNKNOWN_PARTITION: 'NOT_FOUND',
  TOPIC_EXISTS: 'CONFLICT',
  INVALID_CONFIG: 'INVALID',
  INVALID_TOPIC_NAME: 'INVALID',
  INVALID_BATCH: 'INVALID',
  BATCH_TOO_LARGE: 'INVALID',
  OFFSET_OUT_OF_RANGE: 'INVALID',
  UNSUPPORTED_COMPRESSION: 'INVALID',
  STORE_CLOSED: 'UNAVAILABLE',
};

/** The ConnectorError for `err`, or `err` itself when it is an internal fault (damaged log,
 * I/O error, bug) that must surface as such. */
export function translateError(err: unknown, cluster: string): unknown {
  if (err instanceof ConnectorError) return err;
  if (err instanceof ConfigError) return new ConnectorError('INVALID', err.message, cluster);
  if (isSluiceError(err)) {
    const code = BY_CODE[err.code];
    if (code === 'UNAVAILABLE') return unavailable(cluster, err.message);
    if (code) return new ConnectorError(code, err.message, cluster, { cause: err.code });
  }
  return err;
}

export function unavailable(cluster: string, why: string): ConnectorError {
  return new ConnectorError('UNAVAILABLE', `cluster "${cluster}" is unavailable: ${why}`, cluster);
}

export function notFound(cluster: string, what: string): ConnectorError {
  return new ConnectorError('NOT_FOUND', `${what} does not exist in cluster "${cluster}"`, cluster);
}
