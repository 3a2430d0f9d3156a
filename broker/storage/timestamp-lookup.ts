/**
 * ListOffsets by timestamp: the first record (not batch) whose timestamp reaches the target.
 *
 * The indexes and batch headers only know each batch's maxTimestamp, which locates the batch the
 * answer lies in; the answer itself is a record inside it, so that one batch is decoded. Kafka
 * does the same (LogSegment.findOffsetByTimestamp). Records are never decoded on the hot path;
 * this is an admin lookup.
 */
import { SluiceError, isSluiceError } from '../errors.js';
import { decodeBatch } from '../records/decoder.js';
import type { Segment } from './segment.js';
import { findBatchByTimestamp, scanHeaders, type ScanHit } from './segment-reader.js';

export interface TimestampHit {
  offset: number;
  /** The record's own timestamp (the batch's LogAppendTime for LogAppendTime topics). */
  timestamp: number;
}

/**
 * First record of `segment` with timestamp >= `timestamp` and offset >= `minOffset`, or
 * undefined. A batch whose maxTimestamp qualifies can still hold no qualifying record at or after
 * `minOffset` (the log start cut through it), so the scan moves on to the following batches.
 */
export async function findRecordByTimestamp(segment: Segment, timestamp: number, minOffset: number): Promise<TimestampHit | undefined> {
  let hit: ScanHit | undefined = await findBatchByTimestamp(segment, timestamp, minOffset);
  while (hit) {
    const found = await firstRecordAtOrAfter(segment, hit, timestamp, minOffset);
    if (found) return found;
    hit = await scanHeaders(segment, hit.position + hit.size, (_base, last, maxTs) => maxTs >= timestamp && last >= minOffset);
  }
  return undefined;
}

async function firstRecordAtOrAfter(segment: Segment, hit: ScanHit, timestamp: number, minOffset: number): Promise<TimestampHit | undefined> {
  const bytes = await segment.readAt(hit.position, hit.size);
  let records;
  try {
    ({ records } = await decodeBatch(bytes, {}, hit.position));
  } catch (err) {
    // The bytes were checked at append and at recovery; failing now means damage on disk.
    if (!isSluiceError(err)) throw err;
    throw new SluiceError('CORRUPT_LOG', `segment ${segment.dir}/${segment.name} at position ${hit.position}: ${err.message}`, {
      segment: segment.name,
      position: hit.position,
      reason: err.message,
    });
  }
  const record = records.find((r) => r.timestamp >= timestamp && r.offset >= minOffset);
  return record ? { offset: record.offset, timestamp: record.timestamp } : undefined;
}
