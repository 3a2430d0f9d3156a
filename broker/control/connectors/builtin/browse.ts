/**
 * Browsing: up to `limit` messages from the selected partitions, merged by timestamp while each
 * partition keeps its offset order, so `nextOffsets` is exact (everything before it in a
 * partition was returned). `newest` merges from the tails and returns newest first.
 */
import { parseRequest } from '../shared/validate.js';
import { browseQuerySchema, type BrowseQuery, type BrowseResult, type PartitionCursor } from '../types/messages.js';
import { requirePartitions, requireTopic, type BuiltinContext } from './context.js';
import { toView } from './message-view.js';
import { DEFAULT_CHUNK_BYTES, PartitionReader, type LogRecord } from './partition-reader.js';
import { resolveStart } from './start-position.js';

const FIRST_CHUNK_BYTES = 16 * 1024;

export async function browseMessages(ctx: BuiltinContext, query: BrowseQuery): Promise<BrowseResult> {
  const q = parseRequest(browseQuerySchema, query, ctx.cluster, 'browse query');
  const topic = requireTopic(ctx, q.topic);
  const partitions = requirePartitions(ctx, topic, q.partitions);
  const { store } = ctx.source;
  const perPartition = await Promise.all(
    partitions.map(async (p) => {
      const start = await resolveStart(store, topic.name, p, q.from, q.limit);
      const reader = new PartitionReader(store, topic.name, p, start.start, start.high);
      const records: LogRecord[] = [];
      let skipping = start.notBefore !== undefined;
      // Start small and double: a page of 50 usually sits in the first batch or two, and every
      // byte read is decoded (and decompressed).
      for (let chunk = FIRST_CHUNK_BYTES; !reader.done && records.length < q.limit; chunk = Math.min(chunk * 2, DEFAULT_CHUNK_BYTES)) {
        for (const r of await reader.next(chunk)) {
          if (skipping && r.timestamp < start.notBefore!) continue;
          skipping = false;
          records.push(r);
        }
      }
      return { start, records: q.from.kind === 'newest' ? records : records.slice(0, q.limit) };
    }),
  );

  const newest = q.from.kind === 'newest';
  const picked = newest ? mergeNewest(perPartition.map((x) => x.records), q.limit) : mergeOldest(perPartition.map((x) => x.records), q.limit);
  const cursors: PartitionCursor[] = perPartition.map(({ start, records }) => {
    const taken = picked.filter((r) => r.partition === start.partition);
    const last = newest ? records.at(-1) : taken.at(-1);
    return { partition: start.partition, low: start.low, high: start.high, nextOffset: last ? last.offset + 1 : newest ? start.high : start.start };
  });
  return {
    messages: picked.map((r) => toView(topic.name, r, q.maxValueBytes)),
    partitions: cursors,
    nextOffsets: Object.fromEntries(cursors.map((c) => [String(c.partition), c.nextOffset])),
  };
}

/** k-way merge from the heads: earliest timestamp first, ties by partition. */
function mergeOldest(lists: LogRecord[][], limit: number): LogRecord[] {
  const at = lists.map(() => 0);
  const out: LogRecord[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const r = lists[i]![at[i]!];
      if (r && (best < 0 || r.timestamp < lists[best]![at[best]!]!.timestamp)) best = i;
    }
    if (best < 0) break;
    out.push(lists[best]![at[best]!++]!);
  }
  return out;
}

/** k-way merge from the tails: newest timestamp first. */
function mergeNewest(lists: LogRecord[][], limit: number): LogRecord[] {
  const at = lists.map((l) => l.length - 1);
  const out: LogRecord[] = [];
  while (out.length < limit) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const r = lists[i]![at[i]!];
      if (r && (best < 0 || r.timestamp > lists[best]![at[best]!]!.timestamp)) best = i;
    }
    if (best < 0) break;
    out.push(lists[best]![at[best]!--]!);
  }
  return out;
}
