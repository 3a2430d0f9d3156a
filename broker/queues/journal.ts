/**
 * The durable queue state lives in one internal topic of the same store (`__sluice_queues`,
 * flush policy `sync`, no retention), as JSON events (state.ts). Writes are group-committed: one
 * append carries every event queued while the previous append was in flight, and each write()
 * resolves once the append holding its events is durable. The order of the log is the order of
 * write() calls, which is the order the engine applied the events in memory.
 *
 * Replay stays bounded by snapshots: every `snapshotEvery` events the current state is written as
 * one `snap` event in a batch of its own and the log start is moved to it (whole segments below
 * are deleted), so a start reads one snapshot plus the events after it.
 */
import { SluiceError } from '../errors.js';
import { decodeBatches } from '../records/decoder.js';
import { encodeBatch } from '../records/encoder.js';
import type { LogStore, TopicConfig } from '../storage/types.js';
import type { QueueEvent } from './state.js';

export const QUEUE_STATE_TOPIC = '__sluice_queues';

const TOPIC_CONFIG: Partial<TopicConfig> = {
  flushPolicy: 'sync',
  retentionMs: -1,
  retentionBytes: -1,
  timestampType: 'CreateTime',
  maxMessageBytes: 256 * 1024 * 1024,
  segmentBytes: 16 * 1024 * 1024,
};

type JournalStatus = 'open' | 'failed' | 'closed';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class StateJournal {
  private status: JournalStatus = 'open';
  private failure: SluiceError | undefined;
  private queue: QueueEvent[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | undefined;
  private sinceSnapshot = 0;

  constructor(
    private readonly store: LogStore,
    private readonly snapshotEvery: number,
    /** Called synchronously when a snapshot is due; its result goes into the log in order. */
    private readonly takeSnapshot: () => QueueEvent,
  ) {}

  static async ensureTopic(store: LogStore): Promise<void> {
    if (!store.getTopic(QUEUE_STATE_TOPIC)) await store.createTopic(QUEUE_STATE_TOPIC, 1, TOPIC_CONFIG);
  }

  /** Every event since the last snapshot (the snapshot first), oldest first. */
  static async *replay(store: LogStore): AsyncIterable<QueueEvent> {
    let { logStartOffset: from, logEndOffset: end } = store.offsets(QUEUE_STATE_TOPIC, 0);
    while (from < end) {
      const read = await store.read(QUEUE_STATE_TOPIC, 0, from, 4 << 20);
      end = read.highWatermark;
      const batches = await decodeBatches(read.bytes);
      if (batches.length === 0) break;
      for (const b of batches) {
        for (const rec of b.records) {
          if (rec.offset < from || rec.value === null) continue;
          yield JSON.parse(rec.value.toString('utf8')) as QueueEvent;
        }
        from = Math.max(from, b.header.baseOffset + b.header.lastOffsetDelta + 1);
      }
    }
  }

  /** Queues events (already applied in memory); resolves when they are durable. */
  write(events: QueueEvent[]): Promise<void> {
    if (this.status !== 'open') return Promise.reject(this.failure ?? new SluiceError('STORE_CLOSED', 'queue state journal is closed'));
    if (events.length === 0) return Promise.resolve();
    for (const ev of events) this.queue.push(ev);
    this.sinceSnapshot += events.length;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Writes a snapshot now (tests, shutdown) and resolves when it is durable. */
  async snapshotNow(): Promise<void> {
    if (this.status !== 'open') throw this.failure ?? new SluiceError('STORE_CLOSED', 'queue state journal is closed');
    this.sinceSnapshot = Number.POSITIVE_INFINITY;
    while (this.writing) await this.writing;
    this.writing = this.drain();
    await this.writing;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.status === 'open') this.status = 'closed';
  }

  get error(): SluiceError | undefined {
    return this.failure;
  }

  private async drain(): Promise<void> {
    // Never finish synchronously: `writing` is assigned after this returns, and `finally` must
    // clear it after that.
    await null;
    try {
      while (this.status === 'open' && (this.queue.length > 0 || this.sinceSnapshot >= this.snapshotEvery)) {
        const events = this.queue;
        const waiters = this.waiters;
        this.queue = [];
        this.waiters = [];
        // Taken now, synchronously: memory holds exactly the effects of every event queued so far
        // (the engine applies and queues in one step), and those are all written before it.
        // Serialised now as well: the snapshot shares objects with the live state, which later
        // events mutate before the append below runs.
        let snap: string | undefined;
        try {
          if (this.sinceSnapshot >= this.snapshotEvery) {
            this.sinceSnapshot = 0;
            snap = JSON.stringify(this.takeSnapshot());
          }
          if (events.length > 0) await this.append(events.map((ev) => JSON.stringify(ev)));
          if (snap) {
            const at = await this.append([snap]);
            await this.store.deleteRecords(QUEUE_STATE_TOPIC, 0, at);
          }
        } catch (err) {
          this.fail(err, waiters);
          return;
        }
        for (const w of waiters) w.resolve();
      }
    } finally {
      this.writing = undefined;
    }
  }

  private async append(values: string[]): Promise<number> {
    await StateJournal.ensureTopic(this.store);
    const now = Date.now();
    const batch = await encodeBatch(values.map((value) => ({ value, timestamp: now })));
    return (await this.store.append(QUEUE_STATE_TOPIC, 0, batch)).baseOffset;
  }

  private fail(err: unknown, waiters: Waiter[]): void {
    this.status = 'failed';
    this.failure = new SluiceError('QUEUE_STATE_FAILED', `queue state journal write failed; the queue layer stopped: ${(err as Error)?.message ?? err}`, { cause: String(err) });
    for (const w of [...waiters, ...this.waiters]) w.reject(this.failure);
    this.waiters = [];
    this.queue = [];
  }
}
