/**
 * Idempotent publish. A message published with an idempotency key carries it in the header
 * `sluice-idempotency-key`; a later publish of the same key to the same topic within the window
 * appends nothing and returns the first message's position. The log is the durable record: the
 * index of a topic is built on its first keyed publish after a start by reading the topic from
 * `now - window` (offsetForTimestamp) to its end, so a publish that was durable before a crash is
 * found again even if the crash came before the caller heard back.
 */
import { SluiceError } from '../errors.js';
import type { LogStore } from '../storage/types.js';
import { readChunk } from './log-reader.js';
import type { PublishResult } from './types.js';

export const IDEMPOTENCY_HEADER = 'sluice-idempotency-key';
const MAX_KEY_CHARS = 256;

interface Entry extends PublishResult {
  at: number;
}

interface Pending {
  promise: Promise<PublishResult>;
  resolve: (r: PublishResult) => void;
  reject: (err: unknown) => void;
}

export class TopicDedup {
  /** Insertion order is publish order, so pruning walks from the front. */
  private readonly keys = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly windowMs: number) {}

  /** A recorded publish of `key` inside the window, or one still being appended. */
  lookup(key: string, now: number): PublishResult | Promise<PublishResult> | undefined {
    this.prune(now);
    const e = this.keys.get(key);
    if (e) return { partition: e.partition, offset: e.offset };
    return this.pending.get(key)?.promise;
  }

  /** Claims `key` for a publish about to append; settle with done() or failed(). */
  claim(key: string): void {
    let resolve!: (r: PublishResult) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<PublishResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.pending.set(key, { promise, resolve, reject });
  }

  done(key: string, result: PublishResult, at: number): void {
    this.record(key, result, at);
    this.pending.get(key)?.resolve(result);
    this.pending.delete(key);
  }

  failed(key: string, err: unknown): void {
    this.pending.get(key)?.reject(err);
    this.pending.delete(key);
  }

  record(key: string, result: PublishResult, at: number): void {
    if (this.keys.has(key)) return; // the first publish of a key is the original
    this.keys.set(key, { partition: result.partition, offset: result.offset, at });
  }

  private prune(now: number): void {
    for (const [k, e] of this.keys) {
      if (e.at >= now - this.windowMs) break;
      this.keys.delete(k);
    }
  }
}

export class IdempotencyIndex {
  private readonly topics = new Map<string, Promise<TopicDedup>>();

  constructor(
    private readonly store: LogStore,
    readonly windowMs: number,
  ) {}

  /** The topic's index, reading the window from the log on first use. */
  forTopic(topic: string, now: number): Promise<TopicDedup> {
    let t = this.topics.get(topic);
    if (!t) {
      t = this.load(topic, now);
      this.topics.set(topic, t);
      t.catch(() => this.topics.delete(topic));
    }
    return t;
  }

  private async load(topic: string, now: number): Promise<TopicDedup> {
    const dedup = new TopicDedup(this.windowMs);
    const partitions = this.store.getTopic(topic)?.partitions ?? 0;
    const found: Array<{ key: string; partition: number; offset: number; at: number }> = [];
    for (let p = 0; p < partitions; p++) {
      let from = await this.store.offsetForTimestamp(topic, p, now - this.windowMs);
      if (from === undefined) continue;
      const end = this.store.offsets(topic, p).logEndOffset;
      while (from < end) {
        const chunk = await readChunk(this.store, topic, p, from, 1 << 20);
        for (const r of chunk.records) {
          const h = r.headers.find((x) => x.key === IDEMPOTENCY_HEADER);
          if (h?.value && r.timestamp >= now - this.windowMs) found.push({ key: h.value.toString('utf8'), partition: p, offset: r.offset, at: r.timestamp });
        }
        if (chunk.next <= from) break;
        from = chunk.next;
      }
    }
    found.sort((a, b) => a.at - b.at || a.partition - b.partition || a.offset - b.offset);
    for (const f of found) dedup.record(f.key, f, f.at);
    return dedup;
  }
}

export function validateIdempotencyKey(key: unknown, index: number): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw new SluiceError('INVALID_REQUEST', `message ${index}: idempotencyKey must be a string of 1..${MAX_KEY_CHARS} characters`);
  }
  return key;
}
