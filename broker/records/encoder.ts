import { SluiceError } from '../errors.js';
import { ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL, BATCH, COMPRESSION_CODES, type CompressionCodec } from './batch-header.js';
import { compress, codecOf } from './compression.js';
import { crc32c } from './crc32c.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

/**
 * Builds record batches v2 for messages that do not arrive as batches (HTTP API, internal moves
 * such as redrive and replay). Kafka clients send their own batches; those are stored verbatim.
 * Sizes are computed first so the uncompressed batch is allocated once and written in place;
 * strings are written straight into it without an intermediate Buffer.
 */

export type Bytes = Buffer | string;

export interface RecordInput {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes> | Array<{ key: string; value: Bytes | null }>;
  /** Epoch milliseconds; defaults to one Date.now() taken for the whole batch. */
  timestamp?: number;
}

export interface EncodeOptions {
  compression?: CompressionCodec;
  /** Normally 0: the log assigns the real offset on append. */
  baseOffset?: number;
  /** -1 (the default) when not idempotent, as in Kafka's RecordBatch.NO_PRODUCER_ID. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  /** LogAppendTime sets attribute bit 3; the broker then stamps maxTimestamp on append. */
  timestampType?: 'CreateTime' | 'LogAppendTime';
  partitionLeaderEpoch?: number;
}

/** Java's MemoryRecordsBuilder defaults for a non-idempotent producer. */
const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;
const NO_SEQUENCE = -1;

/** Per-record values computed in the sizing pass and reused by the writing pass. */
interface Prepared {
  timestampDelta: number;
  bodySize: number;
  key: Bytes | null;
  keySize: number;
  value: Bytes | null;
  valueSize: number;
  headers: Array<{ key: string; keySize: number; value: Bytes | null; valueSize: number }>;
}

export async function encodeBatch(records: readonly RecordInput[], options: EncodeOptions = {}): Promise<Buffer> {
  const codec = codecOf(options.compression ?? 'none');
  if (codec === 'none') return encodeUncompressedBatch(records, options);
  const { prepared, recordsSize, baseTimestamp, maxTimestamp } = prepare(records);
  const plain = Buffer.allocUnsafe(recordsSize);
  assertFilled(writeRecords(plain, 0, prepared), plain.length);
  const packed = await compress(codec, plain);
  const batch = Buffer.allocUnsafe(BATCH.OVERHEAD + packed.length);
  packed.copy(batch, BATCH.OVERHEAD);
  return finishBatch(batch, codec, records.length, baseTimestamp, maxTimestamp, options);
}

/** An uncompressed batch, synchronously: for callers that must hand batches to the store in
 * the order they were made (the queue state journal), with no await in between. */
export function encodeUncompressedBatch(records: readonly RecordInput[], options: Omit<EncodeOptions, 'compression'> = {}): Buffer {
  const { prepared, recordsSize, baseTimestamp, maxTimestamp } = prepare(records);
  const batch = Buffer.allocUnsafe(BATCH.OVERHEAD + recordsSize);
  assertFilled(writeRecords(batch, BATCH.OVERHEAD, prepared), batch.length);
  return finishBatch(batch, 'none', records.length, baseTimestamp, maxTimestamp, options);
}

/** Sizing pass. baseTimestamp is the first record's, as in Kafka's MemoryRecordsBuilder (deltas
 * may be negative); maxTimestamp is the largest. */
function prepare(records: readonly RecordInput[]) {
  if (records.length === 0) throw new SluiceError('INVALID_BATCH', 'a record batch needs at least one record');
  const now = Date.now();
  const baseTimestamp = records[0]!.timestamp ?? now;
  let maxTimestamp = -Infinity;
  let recordsSize = 0;
  const prepared: Prepared[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const input = records[i]!;
    const timestamp = input.timestamp ?? now;
    if (!Number.isSafeInteger(timestamp)) throw new SluiceError('INVALID_BATCH', `record ${i}: timestamp ${timestamp} is not an integer`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const timestampDelta = timestamp - baseTimestamp;
    const key = input.key ?? null;
    const value = input.value ?? null;
    const keySize = byteSize(key);
    const valueSize = byteSize(value);
    const headers = normalizeHeaders(input.headers, i);
    let bodySize = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(i) + sizeOfField(keySize) + sizeOfField(valueSize) + sizeOfVarint(headers.length);
    for (const h of headers) bodySize += sizeOfField(h.keySize) + sizeOfField(h.valueSize);
    prepared[i] = { timestampDelta, bodySize, key, keySize, value, valueSize, headers };
    recordsSize += sizeOfVarint(bodySize) + bodySize;
  }
  return { prepared, recordsSize, baseTimestamp, maxTimestamp };
}

function normalizeHeaders(headers: RecordInput['headers'], index: number): Prepared['headers'] {
  if (headers === undefined) return [];
  const list = Array.isArray(headers) ? headers : Object.entries(headers).map(([key, value]) => ({ key, value }));
  return list.map(({ key, value }) => {
    if (typeof key !== 'string') throw new SluiceError('INVALID_BATCH', `record ${index}: header keys must be strings`);
    const v = value ?? null;
    return { key, keySize: Buffer.byteLength(key, 'utf8'), value: v, valueSize: byteSize(v) };
  });
}

/** -1 stands for null, as on the wire. */
function byteSize(bytes: Bytes | null): number {
  if (bytes === null) return -1;
  return typeof bytes === 'string' ? Buffer.byteLength(bytes, 'utf8') : bytes.length;
}

function sizeOfField(size: number): number {
  return size < 0 ? 1 : sizeOfVarint(size) + size;
}

function writeRecords(buf: Buffer, pos: number, prepared: readonly Prepared[]): number {
  for (let i = 0; i < prepared.length; i++) {
    const r = prepared[i]!;
    pos = writeVarint(buf, pos, r.bodySize);
    buf[pos++] = 0; // record attributes: unused in v2
    pos = writeVarlong(buf, pos, r.timestampDelta);
    pos = writeVarint(buf, pos, i);
    pos = writeField(buf, pos, r.key, r.keySize);
    pos = writeField(buf, pos, r.value, r.valueSize);
    pos = writeVarint(buf, pos, r.headers.length);
    for (const h of r.headers) {
      pos = writeField(buf, pos, h.key, h.keySize);
      pos = writeField(buf, pos, h.value, h.valueSize);
    }
  }
  return pos;
}

function writeField(buf: Buffer, pos: number, bytes: Bytes | null, size: number): number {
  pos = writeVarint(buf, pos, size);
  if (bytes === null || size === 0) return pos;
  if (typeof bytes === 'string') buf.write(bytes, pos, size, 'utf8');
  else bytes.copy(buf, pos);
  return pos + size;
}

/** Writes the 61-byte header around records already in place at BATCH.OVERHEAD, then the CRC. */
function finishBatch(batch: Buffer, codec: CompressionCodec, count: number, baseTimestamp: number, maxTimestamp: number, options: EncodeOptions): Buffer {
  const producerId = options.producerId ?? NO_PRODUCER_ID;
  const baseSequence = options.baseSequence ?? NO_SEQUENCE;
  if (producerId >= 0 && baseSequence < 0) {
    throw new SluiceError('INVALID_BATCH', `producerId ${producerId} requires a baseSequence >= 0`);
  }
  let attributes = COMPRESSION_CODES[codec];
  if (options.timestampType === 'LogAppendTime') attributes |= ATTR_TIMESTAMP_TYPE;
  if (options.transactional) attributes |= ATTR_TRANSACTIONAL;

  batch.writeBigInt64BE(BigInt(options.baseOffset ?? 0), BATCH.BASE_OFFSET);
  batch.writeInt32BE(batch.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  batch.writeInt32BE(options.partitionLeaderEpoch ?? -1, BATCH.PARTITION_LEADER_EPOCH);
  batch.writeInt8(2, BATCH.MAGIC);
  batch.writeInt16BE(attributes, BATCH.ATTRIBUTES);
  batch.writeInt32BE(count - 1, BATCH.LAST_OFFSET_DELTA);
  batch.writeBigInt64BE(BigInt(baseTimestamp), BATCH.BASE_TIMESTAMP);
  batch.writeBigInt64BE(BigInt(maxTimestamp), BATCH.MAX_TIMESTAMP);
  batch.writeBigInt64BE(BigInt(producerId), BATCH.PRODUCER_ID);
  batch.writeInt16BE(options.producerEpoch ?? NO_PRODUCER_EPOCH, BATCH.PRODUCER_EPOCH);
  batch.writeInt32BE(baseSequence, BATCH.BASE_SEQUENCE);
  batch.writeInt32BE(count, BATCH.RECORDS_COUNT);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return batch;
}

/** allocUnsafe leaves old memory in place; a sizing bug must not ship it inside a batch. */
function assertFilled(end: number, expected: number): void {
  if (end !== expected) throw new Error(`record encoder sizing bug: wrote ${end} of ${expected} bytes`);
}
