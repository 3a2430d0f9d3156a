/**
 * Reading messages back out of the log for delivery: the next chunk after a read position, and
 * single records by offset (redeliveries). Offsets that hold no deliverable message (control
 * batches, gaps) are reported so the subscription can settle them without a journal entry: they
 * are a fact of the log and are found again on every rescan.
 */
import type { DecodedRecord } from '../records/decoder.js';
import { decodeBatches } from '../records/decoder.js';
import type { LogStore } from '../storage/types.js';

export interface Chunk {
  records: DecodedRecord[];
  /** Offsets at or after `from` and before `next` that are not messages. */
  skipped: number[];
  /** Where the next read starts. */
  next: number;
  logStartOffset: number;
}

export async function readChunk(store: LogStore, topic: string, partition: number, from: number, maxBytes = 256 * 1024): Promise<Chunk> {
  const read = await store.read(topic, partition, from, maxBytes);
  const batches = await decodeBatches(read.bytes);
  const records: DecodedRecord[] = [];
  const skipped: number[] = [];
  let next = from;
  for (const b of batches) {
    const last = b.header.baseOffset + b.header.lastOffsetDelta;
    if (last < next) continue;
    for (let o = next; o < b.header.baseOffset; o++) skipped.push(o);
    if (b.header.isControl) {
      for (let o = Math.max(next, b.header.baseOffset); o <= last; o++) skipped.push(o);
    } else {
      const seen = new Set<number>();
      for (const r of b.records) {
        if (r.offset < next) continue;
        records.push(r);
        seen.add(r.offset);
      }
      for (let o = Math.max(next, b.header.baseOffset); o <= last; o++) if (!seen.has(o)) skipped.push(o);
    }
    next = last + 1;
  }
  return { records, skipped, next, logStartOffset: read.logStartOffset };
}

/** The record at `offset`, or undefined when retention removed it. */
export async function readRecord(store: LogStore, topic: string, partition: number, offset: number): Promise<DecodedRecord | undefined> {
  const { logStartOffset, logEndOffset } = store.offsets(topic, partition);
  if (offset < logStartOffset || offset >= logEndOffset) return undefined;
  const chunk = await readChunk(store, topic, partition, offset, 1);
  return chunk.records.find((r) => r.offset === offset);
}
