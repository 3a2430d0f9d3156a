/** Resolves a start position to an offset in each partition, clamped into [low, high]. */
import type { LogStore } from '../../../storage/types.js';
import type { StartPosition } from '../types/messages.js';
import { PartitionReader } from './partition-reader.js';

export interface ResolvedStart {
  partition: number;
  low: number;
  high: number;
  start: number;
  /** For a timestamp start: records before the first one at or after this are skipped. */
  notBefore: number | undefined;
}

export async function resolveStart(store: LogStore, topic: string, partition: number, from: StartPosition, limit: number): Promise<ResolvedStart> {
  const { logStartOffset: low, logEndOffset: high } = store.offsets(topic, partition);
  const clamp = (o: number) => Math.min(high, Math.max(low, o));
  const base = { partition, low, high, notBefore: undefined };
  switch (from.kind) {
    case 'newest':
      return { ...base, start: Math.max(low, high - limit) };
    case 'oldest':
      return { ...base, start: low };
    case 'offset':
      return { ...base, start: clamp(from.offset) };
    case 'offsets':
      return { ...base, start: clamp(from.offsets[String(partition)] ?? low) };
    case 'timestamp': {
      const hit = await offsetForTimestamp(store, topic, partition, from.timestamp);
      return { ...base, start: hit === undefined ? high : clamp(hit), notBefore: from.timestamp };
    }
  }
}

/**
 * The first record offset with timestamp >= `timestamp` (Kafka's offsetsForTimes), or undefined.
 * The store's index answers per batch (the first batch whose maxTimestamp reaches the time);
 * records inside that batch may be earlier, so the batch is read to find the exact one.
 */
export async function offsetForTimestamp(store: LogStore, topic: string, partition: number, timestamp: number): Promise<number | undefined> {
  const hit = await store.offsetForTimestamp(topic, partition, timestamp);
  if (hit === undefined) return undefined;
  const reader = new PartitionReader(store, topic, partition, hit, store.offsets(topic, partition).logEndOffset);
  while (!reader.done) {
    const first = (await reader.next()).find((r) => r.timestamp >= timestamp);
    if (first) return first.offset;
  }
  return undefined;
}
