import { SluiceError } from '../errors.js';
import { BATCH, readBatchHeader, type BatchHeader } from './batch-header.js';
import { codecOf, decompress, type DecompressOptions } from './compression.js';
import { crc32c } from './crc32c.js';
import { cursor, readVarint, readVarlong, type Cursor } from './varint.js';

/**
 * Full decoding of record batches v2, for browsing and for internal moves. Not on the produce or
 * fetch path (those keep batches as bytes). Every structural fault becomes a SluiceError naming
 * the batch, the record and the field: CORRUPT_BATCH for a CRC mismatch, INVALID_BATCH for bad
 * framing, UNSUPPORTED_COMPRESSION for codec codes 5-7.
 *
 * Keys, values and header values are views into the input (or into the decompressed blob), not
 * copies: copy them if they must outlive the buffer they came from.
 */

export interface DecodedHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: DecodedHeader[];
}

export interface DecodedBatch {
  header: BatchHeader;
  records: DecodedRecord[];
}

/** The smallest record: length, attributes, timestampDelta, offsetDelta, keyLen, valueLen and
 * headerCount, one byte each. Bounds recordsCount before anything is allocated for it. */
const MIN_RECORD_BYTES = 7;
/** The smallest header: keyLen 0 and valueLen -1. */
const MIN_HEADER_BYTES = 2;

/**
 * Decodes the batches laid end to end in `bytes` (a log read or a fetch response). A trailing
 * partial batch is ignored, as Kafka consumers do with a fetch cut at max_bytes.
 */
export async function decodeBatches(bytes: Buffer, options: DecompressOptions = {}): Promise<DecodedBatch[]> {
  const batches: DecodedBatch[] = [];
  let pos = 0;
  while (bytes.length - pos >= BATCH.LOG_OVERHEAD) {
    const batchLength = bytes.readInt32BE(pos + BATCH.BATCH_LENGTH);
    if (batchLength < BATCH.OVERHEAD - BATCH.LOG_OVERHEAD) {
      throw new SluiceError('INVALID_BATCH', `batch at byte ${pos}: batchLength ${batchLength} is below the minimum ${BATCH.OVERHEAD - BATCH.LOG_OVERHEAD}`, { pos });
    }
    const size = batchLength + BATCH.LOG_OVERHEAD;
    if (size > bytes.length - pos) break;
    batches.push(await decodeBatch(bytes.subarray(pos, pos + size), options, pos));
    pos += size;
  }
  return batches;
}

/** Decodes exactly one whole batch. `at` only positions error messages. */
export async function decodeBatch(batch: Buffer, options: DecompressOptions = {}, at = 0): Promise<DecodedBatch> {
  const header = checkBatch(batch, at);
  try {
    const codec = codecOf(header.attributes & 0x07);
    const body = batch.subarray(BATCH.OVERHEAD);
    const records = codec === 'none' ? body : await decompress(codec, body, options);
    return { header, records: decodeRecords(header, records) };
  } catch (err) {
    throw withContext(err, `batch at byte ${at} (baseOffset ${header.baseOffset})`);
  }
}

/** Framing, magic and CRC of one batch; returns its header. */
function checkBatch(batch: Buffer, at: number): BatchHeader {
  if (batch.length < BATCH.OVERHEAD) {
    throw new SluiceError('INVALID_BATCH', `batch at byte ${at}: ${batch.length} bytes is shorter than the ${BATCH.OVERHEAD}-byte header`, { pos: at });
  }
  const declared = batch.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  if (declared !== batch.length) {
    throw new SluiceError('INVALID_BATCH', `batch at byte ${at}: batchLength declares ${declared} bytes but ${batch.length} were given`, { pos: at });
  }
  const magic = batch.readInt8(BATCH.MAGIC);
  if (magic !== 2) {
    throw new SluiceError('INVALID_BATCH', `batch at byte ${at}: magic ${magic} is not 2 (only record batch v2 is supported)`, { pos: at, magic });
  }
  const stored = batch.readUInt32BE(BATCH.CRC);
  const actual = crc32c(batch.subarray(BATCH.ATTRIBUTES));
  if (stored !== actual) {
    throw new SluiceError('CORRUPT_BATCH', `batch at byte ${at}: CRC-32C mismatch: stored ${hex(stored)}, computed ${hex(actual)}`, { pos: at, stored, actual });
  }
  return readBatchHeader(batch);
}

/**
 * Decodes the (already decompressed) records region of a batch. Sync, so callers holding a
 * decompressed blob, or an uncompressed batch's bytes from BATCH.OVERHEAD, can use it directly.
 * Checks that every record's contents fill exactly its declared length and that nothing is left
 * after the last record. recordsCount 0 is accepted: compaction can leave empty batches.
 */
export function decodeRecords(header: BatchHeader, records: Buffer): DecodedRecord[] {
  const count = header.recordsCount;
  if (count < 0 || count > Math.floor(records.length / MIN_RECORD_BYTES)) {
    throw new SluiceError('INVALID_BATCH', `recordsCount ${count} cannot fit in ${records.length} bytes of records`, { recordsCount: count });
  }
  const logAppendTime = header.timestampType === 'LogAppendTime';
  const c = cursor(records);
  const out: DecodedRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = c.pos;
    try {
      const record = readRecord(c);
      out[i] = {
        offset: header.baseOffset + record.offsetDelta,
        timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + record.timestampDelta,
        key: record.key,
        value: record.value,
        headers: record.headers,
      };
    } catch (err) {
      throw withContext(err, `record ${i} of ${count} at byte ${start} of the records`);
    }
  }
  if (c.pos !== records.length) {
    throw new SluiceError('INVALID_BATCH', `${records.length - c.pos} bytes follow the last of ${count} records`, { trailing: records.length - c.pos });
  }
  return out;
}

interface RawRecord {
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: DecodedHeader[];
}

/** One record, read within the bounds its length varint declares (Kafka DefaultRecord). */
function readRecord(outer: Cursor): RawRecord {
  const length = readVarint(outer, 'record length');
  const left = outer.end - outer.pos;
  if (length < 0 || length > left) {
    throw new SluiceError('INVALID_BATCH', `record length ${length} exceeds the ${left} bytes left`, { length, left });
  }
  const c = cursor(outer.buf, outer.pos, outer.pos + length);
  outer.pos += length;
  if (c.pos >= c.end) throw new SluiceError('INVALID_BATCH', 'record length 0 leaves no room for its attributes');
  c.pos++; // record attributes: unused in v2
  const timestampDelta = readVarlong(c, 'timestampDelta');
  const offsetDelta = readVarint(c, 'offsetDelta');
  const key = readBytes(c, 'key');
  const value = readBytes(c, 'value');
  const headerCount = readVarint(c, 'header count');
  const room = Math.floor((c.end - c.pos) / MIN_HEADER_BYTES);
  if (headerCount < 0 || headerCount > room) {
    throw new SluiceError('INVALID_BATCH', `header count ${headerCount} cannot fit in the ${c.end - c.pos} bytes left in the record`, { headerCount });
  }
  const headers: DecodedHeader[] = new Array(headerCount);
  for (let h = 0; h < headerCount; h++) {
    const hKey = readBytes(c, `header ${h} key`);
    if (hKey === null) throw new SluiceError('INVALID_BATCH', `header ${h} key is null`);
    headers[h] = { key: hKey.toString('utf8'), value: readBytes(c, `header ${h} value`) };
  }
  if (c.pos !== c.end) {
    throw new SluiceError('INVALID_BATCH', `${c.end - c.pos} bytes left over after the headers (record length ${length})`, { length });
  }
  return { timestampDelta, offsetDelta, key, value, headers };
}

/** varint length (-1 = null) then that many bytes, within the cursor's bounds. */
function readBytes(c: Cursor, field: string): Buffer | null {
  const len = readVarint(c, `${field} length`);
  if (len === -1) return null;
  if (len < -1) throw new SluiceError('INVALID_BATCH', `${field} length ${len} is negative (only -1, null, is allowed)`, { len });
  const left = c.end - c.pos;
  if (len > left) {
    throw new SluiceError('INVALID_BATCH', `${field} length ${len} exceeds the ${left} bytes left in the record`, { len, left });
  }
  const bytes = c.buf.subarray(c.pos, c.pos + len);
  c.pos += len;
  return bytes;
}

/** Prefixes where a SluiceError happened, keeping its code and details. */
function withContext(err: unknown, where: string): unknown {
  if (!(err instanceof SluiceError)) return err;
  return new SluiceError(err.code, `${where}: ${err.message}`, err.details);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
