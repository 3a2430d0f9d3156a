/**
 * Kafka error codes used by the handlers (apache/kafka clients/.../protocol/Errors.java) and the
 * mapping from the store's SluiceError codes to them.
 */
import { isSluiceError } from '../../errors.js';

export const ErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  NOT_LEADER_OR_FOLLOWER: 6,
  COORDINATOR_NOT_AVAILABLE: 15,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  UNSUPPORTED_VERSION: 35,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_PARTITIONS: 37,
  KAFKA_STORAGE_ERROR: 56,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
  INVALID_REQUEST: 42,
  UNKNOWN_TOPIC_ID: 100,
} as const;

/** The Kafka error code a store failure is reported as (never thrown to the client as such). */
export function kafkaErrorCodeFor(err: unknown): number {
  if (!isSluiceError(err)) return ErrorCode.UNKNOWN_SERVER_ERROR;
  switch (err.code) {
    case 'CORRUPT_BATCH':
      return ErrorCode.CORRUPT_MESSAGE;
    case 'INVALID_BATCH':
      return ErrorCode.INVALID_RECORD;
    case 'BATCH_TOO_LARGE':
      return ErrorCode.MESSAGE_TOO_LARGE;
    case 'UNKNOWN_TOPIC':
    case 'UNKNOWN_PARTITION':
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    case 'UNSUPPORTED_COMPRESSION':
      return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
    case 'OFFSET_OUT_OF_RANGE':
      return ErrorCode.OFFSET_OUT_OF_RANGE;
    case 'INVALID_TOPIC_NAME':
      return ErrorCode.INVALID_TOPIC_EXCEPTION;
    case 'CORRUPT_LOG':
    case 'IO_ERROR':
    case 'STORE_CLOSED':
      // Retriable for clients: the partition cannot serve right now (damaged, disk, shutting down).
      return ErrorCode.KAFKA_STORAGE_ERROR;
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}
