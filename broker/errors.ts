/**
 * The one class for internal faults in the broker. Kafka error codes are return values and never
 * travel as exceptions; a SluiceError means something the caller could not have asked for
 * (bad input to the store, damaged files, a closed store) and carries a stable code.
 */
export type SluiceErrorCode =
  | 'INVALID_BATCH' // bytes are not one well-formed record batch v2
  | 'CORRUPT_BATCH' // CRC-32C mismatch
  | 'BATCH_TOO_LARGE'
  | 'UNKNOWN_TOPIC'
  | 'UNKNOWN_PARTITION'
  | 'TOPIC_EXISTS'
  | 'INVALID_CONFIG'
  | 'INVALID_TOPIC_NAME'
  | 'OFFSET_OUT_OF_RANGE'
  | 'CORRUPT_LOG' // damage found in the middle of a segment; the partition refuses to serve it
  | 'STORE_CLOSED'
  | 'IO_ERROR'
  | 'UNSUPPORTED_COMPRESSION'
  | 'PROTOCOL_ERROR' // malformed or unencodable Kafka wire-protocol bytes (broker/kafka/protocol)
  | 'SASL_AUTHENTICATION' // a Kafka connection sent a request before authenticating, or failed to (broker/kafka/sasl)
  // queue layer (broker/queues)
  | 'UNKNOWN_SUBSCRIPTION'
  | 'SUBSCRIPTION_EXISTS'
  | 'INVALID_REQUEST' // a queue call's arguments are malformed or out of range
  | 'INVALID_RECEIPT' // not a receipt this broker issued (malformed, foreign topic/subscription)
  | 'STALE_RECEIPT' // the lease behind the receipt expired or the message was leased again
  | 'MESSAGE_SETTLED' // the message was already acked, dead-lettered or archived
  | 'BACKLOG_FULL' // publish refused: a subscription of the topic is at the topic's backlog limit
  | 'QUEUE_STATE_FAILED' // the durable queue state journal failed; the queue layer stopped
  | 'UNKNOWN_TRANSACTION' // no transactional (half) message batch has this id (or it was long forgotten)
  | 'TRANSACTION_CONFLICT' // commit of a rolled-back transaction, or rollback of a committed one
  | 'RETENTION_DEFERRED' // retention keeps a segment this run: a queue message in it is being moved to the archive or dead-letter topic
  // accounts (server/auth)
  | 'AUTH_FAILED' // unknown user, wrong password or disabled account: deliberately one code
  | 'ACCOUNT_LOCKED' // too many consecutive failed logins; retry after details.retryAfterSeconds
  | 'RATE_LIMITED' // too many failed logins from one address or for one name in the window
  | 'UNKNOWN_USER'
  | 'USER_EXISTS'
  | 'UNKNOWN_TOKEN'
  | 'LAST_ADMIN' // the change would leave no enabled admin
  | 'WEAK_PASSWORD'
  | 'FORBIDDEN' // the caller's role does not allow this
  // secrets at rest (server/secrets)
  | 'INVALID_SECRET_KEY' // SLUICE_SECRET_KEY or the key file is malformed, or the key file is readable by others
  | 'SECRET_UNREADABLE' // an encrypted value is malformed, under another key, or was tampered with
  | 'UNKNOWN_CLUSTER'; // no Cluster row has this id (server/secrets/cluster-secrets.ts)

const BRAND = Symbol.for('sluice.SluiceError');

export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  readonly [BRAND] = true;
  constructor(
    readonly code: SluiceErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /**
   * `instanceof` by brand, not by class identity: under Next.js the broker is started from
   * instrumentation.ts and the route handlers are separate webpack bundles, each with its own
   * copy of this module, so an error the running broker throws is not an instance of the class
   * a route handler imported. The brand is a global symbol, the same in every copy.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

export function isSluiceError(err: unknown, code?: SluiceErrorCode): err is SluiceError {
  return err instanceof SluiceError && (code === undefined || err.code === code);
}
