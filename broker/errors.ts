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
  | 'PROTOCOL_ERROR'; // malformed or unencodable Kafka wire-protocol bytes (broker/kafka/protocol)

export class SluiceError extends Error {
  override readonly name = 'SluiceError';
  constructor(
    readonly code: SluiceErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isSluiceError(err: unknown, code?: SluiceErrorCode): err is SluiceError {
  return err instanceof SluiceError && (code === undefined || err.code === code);
}
