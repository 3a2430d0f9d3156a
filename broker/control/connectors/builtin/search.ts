/**
 * Search: scans the selected partitions forward, a chunk of each in turn, so the budget is shared
 * fairly, and stops at the first of: `limit` matches, the message/byte/time budget, the end of
 * every partition (its high watermark when the search began). `nextOffsets` is exact per
 * partition, so a follow-up search resumes where this one stopped without re-reading.
 */
import { compileFilters, FilterTimeout } from '../shared/filters.js';
import { parseRequest } from '../shared/validate.js';
import { searchQuerySchema, type MessageView, type SearchQuery, type SearchResult, type SearchStop } from '../types/messages.js';
import { requirePartitions, requireTopic, type BuiltinContext } from './context.js';
import { toView } from './message-view.js';
import { DEFAULT_CHUNK_BYTES, PartitionReader, type LogRecord } from './partition-reader.js';
import { resolveStart, type ResolvedStart } from './start-position.js';

export async function searchMessages(ctx: BuiltinContext, query: SearchQuery): Promise<SearchResult> {
  const q = parseRequest(searchQuerySchema, query, ctx.cluster, 'search query');
  const matches = compileFilters(q.filters, ctx.cluster);
  const topic = requireTopic(ctx, q.topic);
  const partitions = requirePartitions(ctx, topic, q.partitions);
  const { store } = ctx.source;
  const starts: ResolvedStart[] = await Promise.all(partitions.map((p) => resolveStart(store, topic.name, p, q.from, q.limit)));
  const readers = starts.map((s) => new PartitionReader(store, topic.name, s.partition, s.start, s.high));
  const next = new Map(starts.map((s) => [s.partition, s.start]));
  const skipping = new Map(starts.map((s) => [s.partition, s.notBefore]));

  const found: MessageView[] = [];
  const startedAt = Date.now();
  let scanned = 0;
  let scannedBytes = 0;
  let stoppedBy: SearchStop | undefined;

  scan: while (stoppedBy === undefined) {
    const active = readers.filter((r) => !r.done);
    if (active.length === 0) {
      stoppedBy = 'end';
      break;
    }
    for (const reader of active) {
      if (scanned >= q.budget.maxMessages) {
        stoppedBy = 'budget-messages';
        break scan;
      }
      if (scannedBytes >= q.budget.maxBytes) {
        stoppedBy = 'budget-bytes';
        break scan;
      }
      if (Date.now() - startedAt >= q.budget.maxMs) {
        stoppedBy = 'budget-time';
        break scan;
      }
      const from = reader.position;
      const before = reader.bytesRead;
      const chunk = await reader.next(Math.min(DEFAULT_CHUNK_BYTES, q.budget.maxBytes - scannedBytes));
      scannedBytes += reader.bytesRead - before;
      // Budget and timestamp skipping decide which records of the chunk get scanned at all.
      const records: LogRecord[] = [];
      let cut: number | undefined;
      for (const r of chunk) {
        if (scanned + records.length >= q.budget.maxMessages) {
          cut = r.offset;
          break;
        }
        const notBefore = skipping.get(r.partition);
        if (notBefore !== undefined) {
          if (r.timestamp < notBefore) continue;
          skipping.set(r.partition, undefined);
        }
        records.push(r);
      }
      let passed: boolean[];
      try {
        passed = matches(records, q.budget.maxMs - (Date.now() - startedAt));
      } catch (err) {
        if (!(err instanceof FilterTimeout)) throw err;
        next.set(reader.partition, from); // this chunk was not searched: a resume starts at it
        stoppedBy = 'budget-time';
        break scan;
      }
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        scanned++;
        next.set(r.partition, r.offset + 1);
        if (passed[i]) {
          found.push(toView(topic.name, r, q.maxValueBytes));
          if (found.length >= q.limit) {
            stoppedBy = 'limit';
            break scan;
          }
        }
      }
      if (cut !== undefined) {
        stoppedBy = 'budget-messages';
        next.set(reader.partition, cut);
        break scan;
      }
      // The whole chunk was scanned: continue after it (skips control batches and gaps too).
      next.set(reader.partition, reader.position);
    }
  }

  const partitionsOut = starts.map((s) => ({ partition: s.partition, low: s.low, high: s.high, nextOffset: next.get(s.partition)! }));
  return {
    matches: found,
    scanned,
    scannedBytes,
    stoppedBy: stoppedBy ?? 'end',
    nextOffsets: Object.fromEntries(partitionsOut.map((p) => [String(p.partition), p.nextOffset])),
    partitions: partitionsOut,
  };
}
