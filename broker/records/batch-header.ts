import { SluiceError } from '../errors.js';
import { crc32c } from './crc32c.js';

/**
 * Record batch v2 header: field positions, validation and the in-place rewrites a broker does.
 * No I/O and no per-record decoding: this is what runs on every append.
 * Layout: Kafka DefaultRecordBatch.java (see shared/reference/kafka-protocol.md §2.1).
 */
export const BATCH = {
  BASE_OFFSET: 0,
  BATCH_LENGTH: 8,
  PARTITION_LEADER_EPOCH: 12,
  MAGIC: 16,
  CRC: 17,
  ATTRIBUTES: 21,
  LAST_OFFSET_DELTA: 23,
  BASE_TIMESTAMP: 27,
  MAX_TIMESTAMP: 35,
  PRODUCER_ID: 43,
  PRODUCER_EPOCH: 51,
  BASE_SEQUENCE: 53,
  RECORDS_COUNT: 57,
  /** Size of the header; records start here. */
  OVERHEAD: 61,
  /** baseOffset + batchLength: bytes not counted by batchLength. */
  LOG_OVERHEAD: 12,
} as const;

export const COMPRESSION_CODES = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCodec = keyof typeof COMPRESSION_CODES;
const CODEC_BY_CODE: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;

export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch including the 12 leading bytes. */
  sizeInBytes: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: CompressionCodec;
  timestampType: 'CreateTime' | 'LogAppendTime';
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

/** Reads the header of the batch starting at `pos`. Does not check the CRC. The caller must
 * have checked that at least BATCH.OVERHEAD bytes are available. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  const attributes = buf.readInt16BE(pos + BATCH.ATTRIBUTES);
  return {
    baseOffset: Number(buf.readBigInt64BE(pos + BATCH.BASE_OFFSET)),
    sizeInBytes: buf.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD,
    partitionLeaderEpoch: buf.readInt32BE(pos + BATCH.PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(pos + BATCH.MAGIC),
    crc: buf.readUInt32BE(pos + BATCH.CRC),
    attributes,
    compression: CODEC_BY_CODE[attributes & 0x07] ?? 'none',
    timestampType: attributes & ATTR_TIMESTAMP_TYPE ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + BATCH.LAST_OFFSET_DELTA),
    baseTimestamp: Number(buf.readBigInt64BE(pos + BATCH.BASE_TIMESTAMP)),
    maxTimestamp: Number(buf.readBigInt64BE(pos + BATCH.MAX_TIMESTAMP)),
    producerId: Number(buf.readBigInt64BE(pos + BATCH.PRODUCER_ID)),
    producerEpoch: buf.readInt16BE(pos + BATCH.PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BATCH.BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(pos + BATCH.RECORDS_COUNT),
  };
}

/** Result of looking at the bytes at `pos` of a log or a request: a whole batch, an incomplete
 * tail (fewer bytes than the batch claims), or bytes that cannot be a batch. `needed` is the total
 * number of bytes from `pos` the batch occupies (BATCH.OVERHEAD, a lower bound, while even the
 * length field is missing), so a reader can fetch exactly `needed` bytes at `pos`. */
export type BatchProbe =
  | { kind: 'batch'; header: BatchHeader }
  | { kind: 'truncated'; needed: number }
  | { kind: 'invalid'; reason: string };

/** Structural check of the batch at `pos` without throwing: used by recovery to find the last
 * valid batch. Checks length, magic, CRC and record count. */
export function probeBatch(buf: Buffer, pos = 0, end = buf.length): BatchProbe {
  const available = end - pos;
  if (available < BATCH.OVERHEAD) {
    return available < BATCH.LOG_OVERHEAD
      ? { kind: 'truncated', needed: BATCH.OVERHEAD }
      : truncatedOrInvalidLength(buf.readInt32BE(pos + BATCH.BATCH_LENGTH));
  }
  const batchLength = buf.readInt32BE(pos + BATCH.BATCH_LENGTH);
  if (batchLength < BATCH.OVERHEAD - BATCH.LOG_OVERHEAD) {
    return { kind: 'invalid', reason: `batchLength ${batchLength} is below the minimum ${BATCH.OVERHEAD - BATCH.LOG_OVERHEAD}` };
  }
  const size = batchLength + BATCH.LOG_OVERHEAD;
  if (size > available) return { kind: 'truncated', needed: size };
  const magic = buf.readInt8(pos + BATCH.MAGIC);
  if (magic !== 2) return { kind: 'invalid', reason: `magic ${magic} is not 2 (only record batch v2 is supported)` };
  const stored = buf.readUInt32BE(pos + BATCH.CRC);
  const actual = crc32c(buf.subarray(pos + BATCH.ATTRIBUTES, pos + size));
  if (stored !== actual) {
    return { kind: 'invalid', reason: `CRC-32C mismatch: stored ${hex(stored)}, computed ${hex(actual)}` };
  }
  const header = readBatchHeader(buf, pos);
  if (header.recordsCount <= 0) return { kind: 'invalid', reason: `recordsCount ${header.recordsCount} must be positive` };
  if (header.lastOffsetDelta + 1 !== header.recordsCount) {
    return { kind: 'invalid', reason: `lastOffsetDelta ${header.lastOffsetDelta} does not match recordsCount ${header.recordsCount}` };
  }
  return { kind: 'batch', header };
}

function truncatedOrInvalidLength(batchLength: number): BatchProbe {
  if (batchLength < BATCH.OVERHEAD - BATCH.LOG_OVERHEAD) return { kind: 'invalid', reason: `batchLength ${batchLength} is below the minimum` };
  // Total size, like the other 'truncated' results (this branch used to return the bytes
  // still missing instead, so `needed` meant two different things).
  return { kind: 'truncated', needed: batchLength + BATCH.LOG_OVERHEAD };
}

/** Validates that `bytes` is exactly one record batch v2 a producer may send. Throws
 * SluiceError INVALID_BATCH / CORRUPT_BATCH / BATCH_TOO_LARGE with a precise message. */
export function validateProducedBatch(bytes: Buffer, maxBytes: number): BatchHeader {
  if (bytes.length > maxBytes) {
    throw new SluiceError('BATCH_TOO_LARGE', `batch of ${bytes.length} bytes exceeds max.message.bytes ${maxBytes}`, { size: bytes.length, maxBytes });
  }
  if (bytes.length < BATCH.OVERHEAD) {
    throw new SluiceError('INVALID_BATCH', `batch of ${bytes.length} bytes is shorter than the ${BATCH.OVERHEAD}-byte header`);
  }
  const declared = bytes.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  if (declared !== bytes.length) {
    throw new SluiceError('INVALID_BATCH', `batchLength declares ${declared} bytes but ${bytes.length} were given (exactly one batch is expected)`);
  }
  const probe = probeBatch(bytes);
  if (probe.kind !== 'batch') {
    const reason = probe.kind === 'invalid' ? probe.reason : 'incomplete batch';
    throw new SluiceError(reason.startsWith('CRC') ? 'CORRUPT_BATCH' : 'INVALID_BATCH', reason);
  }
  const { header } = probe;
  // readBatchHeader maps codes 5-7 to 'none'; storing such a batch would break every consumer.
  const code = header.attributes & 0x07;
  if (code >= CODEC_BY_CODE.length) {
    throw new SluiceError('UNSUPPORTED_COMPRESSION', `compression code ${code} is not defined (0-4 are)`, { code });
  }
  if (header.isControl) throw new SluiceError('INVALID_BATCH', 'control batches are written by the broker, not producers');
  if (header.producerId >= 0 && header.baseSequence < 0) {
    throw new SluiceError('INVALID_BATCH', `producerId ${header.producerId} requires a baseSequence >= 0`);
  }
  return header;
}

/** Offsets live outside the CRC, so assigning them never re-checksums (Kafka LogValidator). */
export function setBaseOffset(bytes: Buffer, baseOffset: number, pos = 0): void {
  bytes.writeBigInt64BE(BigInt(baseOffset), pos + BATCH.BASE_OFFSET);
}

export function setPartitionLeaderEpoch(bytes: Buffer, epoch: number, pos = 0): void {
  bytes.writeInt32BE(epoch, pos + BATCH.PARTITION_LEADER_EPOCH);
}

/** LogAppendTime topics: the broker's clock replaces maxTimestamp and the timestamp-type bit is
 * set; both are inside the CRC, so it is recomputed (Kafka DefaultRecordBatch.setMaxTimestamp). */
export function setLogAppendTime(bytes: Buffer, now: number, pos = 0): void {
  const attributes = bytes.readInt16BE(pos + BATCH.ATTRIBUTES);
  bytes.writeInt16BE(attributes | ATTR_TIMESTAMP_TYPE, pos + BATCH.ATTRIBUTES);
  bytes.writeBigInt64BE(BigInt(now), pos + BATCH.MAX_TIMESTAMP);
  const size = bytes.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  bytes.writeUInt32BE(crc32c(bytes.subarray(pos + BATCH.ATTRIBUTES, pos + size)), pos + BATCH.CRC);
}

export function lastOffsetOf(header: BatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
