import { SluiceError } from '../errors.js';
import { BATCH } from '../records/batch-header.js';
import { readInt64 } from './fs-util.js';
import type { Segment } from './segment.js';

/** Header fields a lookup needs sit in the first 43 bytes (through maxTimestamp). */
const HEADER_PEEK = BATCH.PRODUCER_ID;
/** One read normally covers the index interval (4 KiB by default) plus the batch found there. */
const SCAN_WINDOW = 16 * 1024;

export interface ScanHit {
  position: number;
  baseOffset: number;
  /** Whole batch, size prefix included. */
  size: number;
}

type Predicate = (baseOffset: number, lastOffset: number, maxTimestamp: number) => boolean;

/**
 * Walks batch headers of `segment` from `position` (a batch boundary taken from an index) up to
 * its readable end, and returns the first batch the predicate accepts. Reads in windows, so a
 * short scan costs one pread.
 */
export async function scanHeaders(segment: Segment, position: number, accept: Predicate): Promise<ScanHit | undefined> {
  const limit = segment.readableSize;
  let window: Buffer = Buffer.alloc(0);
  let windowStart = position;
  let pos = position;
  while (pos < limit) {
    let at = pos - windowStart;
    if (at + HEADER_PEEK > window.length) {
      window = await segment.readAt(pos, Math.min(SCAN_WINDOW, limit - pos));
      windowStart = pos;
      at = 0;
      if (window.length < HEADER_PEEK) throw corrupt(segment, pos, 'batch header cut short inside the readable log');
    }
    const size = window.readInt32BE(at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size < BATCH.OVERHEAD || window.readInt8(at + BATCH.MAGIC) !== 2) throw corrupt(segment, pos, 'not a record batch header');
    const baseOffset = readInt64(window, at + BATCH.BASE_OFFSET);
    const lastOffset = baseOffset + window.readInt32BE(at + BATCH.LAST_OFFSET_DELTA);
    if (accept(baseOffset, lastOffset, readInt64(window, at + BATCH.MAX_TIMESTAMP))) return { position: pos, baseOffset, size };
    pos += size;
  }
  return undefined;
}

/** Position of the batch containing `offset`, starting from the offset index. */
export async function findBatchContaining(segment: Segment, offset: number): Promise<ScanHit | undefined> {
  const i = segment.offsetIndex.floor(offset - segment.baseOffset);
  const start = i < 0 ? 0 : segment.offsetIndex.positionAt(i);
  return scanHeaders(segment, start, (_base, last) => last >= offset);
}

/** Position of the first batch whose maxTimestamp >= timestamp (see time-index.ts for why the
 * answer lies after the last entry whose running maximum is below the target). */
export async function findBatchByTimestamp(segment: Segment, timestamp: number, minOffset: number): Promise<ScanHit | undefined> {
  const t = segment.timeIndex.lastBelow(timestamp);
  let start = 0;
  if (t >= 0) {
    const i = segment.offsetIndex.floor(segment.timeIndex.offsetAt(t));
    start = i < 0 ? 0 : segment.offsetIndex.positionAt(i);
  }
  return scanHeaders(segment, start, (_base, last, maxTs) => maxTs >= timestamp && last >= minOffset);
}

/**
 * Whole batches from `position`, at most `budget` bytes, except that `atLeastOne` returns the
 * first batch even when it alone is larger (Kafka's KIP-74 rule, so a consumer always progresses).
 */
export async function readWholeBatches(segment: Segment, position: number, budget: number, atLeastOne: boolean): Promise<Buffer> {
  const available = segment.readableSize - position;
  if (available <= 0) return EMPTY;
  const want = Math.min(available, Math.max(budget, atLeastOne ? BATCH.LOG_OVERHEAD : 0));
  if (want < BATCH.LOG_OVERHEAD) return EMPTY;
  const buf = await segment.readAt(position, want);
  const whole = wholeBatchesLength(segment, position, buf);
  if (whole > 0 || !atLeastOne) return buf.subarray(0, whole);
  const size = buf.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  return segment.readAt(position, size);
}

function wholeBatchesLength(segment: Segment, position: number, buf: Buffer): number {
  let p = 0;
  while (p + BATCH.LOG_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(p + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (size < BATCH.OVERHEAD) throw corrupt(segment, position + p, `batch size ${size} is below the header size`);
    if (p + size > buf.length) break;
    p += size;
  }
  return p;
}

export const EMPTY = Buffer.alloc(0);

function corrupt(segment: Segment, position: number, reason: string): SluiceError {
  return new SluiceError('CORRUPT_LOG', `segment ${segment.dir}/${segment.name} at position ${position}: ${reason}`, {
    segment: segment.name,
    position,
    reason,
  });
}
