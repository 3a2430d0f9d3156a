import { BATCH } from '../../broker/records/batch-header.js';
import { crc32c } from '../../broker/records/crc32c.js';

/**
 * Minimal record batch v2 builder/decoder for the storage benchmark and the crash/corruption
 * harnesses. Uncompressed, no headers, CreateTime, no producer id. It exists so that the hot path
 * of a benchmark measures the store and not an encoder: build a batch once as a template, copy it
 * per append (the store rewrites baseOffset in place).
 */

export function zigZag(n: number): number {
  // Records use 32-bit zig-zag for lengths/deltas; timestamps deltas here stay small as well.
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

export function varintSize(n: number): number {
  let v = zigZag(n);
  let size = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = zigZag(n);
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function readVarint(buf: Buffer, pos: number, end: number): [value: number, next: number] {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new RangeError(`varint runs past the record end at ${pos}`);
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) {
      const value = result % 2 === 0 ? result / 2 : -(result + 1) / 2;
      return [value, pos];
    }
    mul *= 128;
  }
  throw new RangeError(`varint longer than 10 bytes at ${pos}`);
}

export interface BuildOptions {
  baseTimestamp?: number;
  /** Per-record key, or null for none. */
  keys?: (Buffer | null)[];
}

/** Builds one uncompressed record batch v2 (baseOffset 0) holding `values`, CRC-32C filled in. */
export function buildBatch(values: readonly Buffer[], options: BuildOptions = {}): Buffer {
  if (values.length === 0) throw new RangeError('a batch needs at least one record');
  const ts = options.baseTimestamp ?? Date.now();
  const bodySizes = new Array<number>(values.length);
  let total: number = BATCH.OVERHEAD;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const key = options.keys?.[i] ?? null;
    const keyLen = key ? key.length : -1;
    const body =
      1 + // attributes
      varintSize(0) + // timestampDelta
      varintSize(i) + // offsetDelta
      varintSize(keyLen) +
      (key ? key.length : 0) +
      varintSize(value.length) +
      value.length +
      varintSize(0); // headers count
    bodySizes[i] = body;
    total += varintSize(body) + body;
  }
  const buf = Buffer.alloc(total);
  buf.writeBigInt64BE(0n, BATCH.BASE_OFFSET);
  buf.writeInt32BE(total - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  buf.writeInt32BE(-1, BATCH.PARTITION_LEADER_EPOCH);
  buf.writeInt8(2, BATCH.MAGIC);
  buf.writeInt16BE(0, BATCH.ATTRIBUTES);
  buf.writeInt32BE(values.length - 1, BATCH.LAST_OFFSET_DELTA);
  buf.writeBigInt64BE(BigInt(ts), BATCH.BASE_TIMESTAMP);
  buf.writeBigInt64BE(BigInt(ts), BATCH.MAX_TIMESTAMP);
  buf.writeBigInt64BE(-1n, BATCH.PRODUCER_ID);
  buf.writeInt16BE(-1, BATCH.PRODUCER_EPOCH);
  buf.writeInt32BE(-1, BATCH.BASE_SEQUENCE);
  buf.writeInt32BE(values.length, BATCH.RECORDS_COUNT);
  let pos: number = BATCH.OVERHEAD;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const key = options.keys?.[i] ?? null;
    pos = writeVarint(buf, pos, bodySizes[i]!);
    buf[pos++] = 0;
    pos = writeVarint(buf, pos, 0);
    pos = writeVarint(buf, pos, i);
    pos = writeVarint(buf, pos, key ? key.length : -1);
    if (key) pos += key.copy(buf, pos);
    pos = writeVarint(buf, pos, value.length);
    pos += value.copy(buf, pos);
    pos = writeVarint(buf, pos, 0);
  }
  if (pos !== total) throw new Error(`batch builder size mismatch: wrote ${pos} of ${total}`);
  buf.writeUInt32BE(crc32c(buf.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return buf;
}

/** A batch of `count` records whose values are `size` bytes each (deterministic filler). */
export function templateBatch(count: number, size: number): Buffer {
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = 97 + (i % 26);
  return buildBatch(Array.from({ length: count }, () => value));
}

export interface DecodedRecord {
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** Decodes the records of one uncompressed batch (the batch must already be probed as whole). */
export function decodeRecords(batch: Buffer, pos = 0): DecodedRecord[] {
  const size = batch.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  const end = pos + size;
  const count = batch.readInt32BE(pos + BATCH.RECORDS_COUNT);
  if ((batch.readInt16BE(pos + BATCH.ATTRIBUTES) & 0x07) !== 0) throw new Error('compressed batches are not decoded here');
  const out: DecodedRecord[] = [];
  let p = pos + BATCH.OVERHEAD;
  for (let i = 0; i < count; i++) {
    let len: number;
    [len, p] = readVarint(batch, p, end);
    const recEnd = p + len;
    if (len < 0 || recEnd > end) throw new RangeError(`record ${i} length ${len} runs past the batch end`);
    p += 1; // attributes
    let tsDelta: number;
    [tsDelta, p] = readVarint(batch, p, recEnd);
    void tsDelta;
    let offsetDelta: number;
    [offsetDelta, p] = readVarint(batch, p, recEnd);
    let keyLen: number;
    [keyLen, p] = readVarint(batch, p, recEnd);
    const key = keyLen >= 0 ? batch.subarray(p, p + keyLen) : null;
    if (keyLen > 0) p += keyLen;
    let valueLen: number;
    [valueLen, p] = readVarint(batch, p, recEnd);
    const value = valueLen >= 0 ? batch.subarray(p, p + valueLen) : null;
    if (valueLen > 0) p += valueLen;
    let headers: number;
    [headers, p] = readVarint(batch, p, recEnd);
    if (headers !== 0) throw new Error('record headers are not expected in harness batches');
    if (p !== recEnd) throw new RangeError(`record ${i} has ${recEnd - p} trailing bytes`);
    out.push({ offsetDelta, key, value });
  }
  if (p !== end) throw new RangeError(`batch has ${end - p} bytes after its last record`);
  return out;
}
