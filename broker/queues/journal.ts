/**
 * The durable queue state lives in one internal topic of the same store (`__sluice_queues`,
 * flush policy `sync`, no retention), as JSON events (state.ts). Each write() is one batch handed
 * to the store at once; the store's group commit makes concurrent writes share a writev and an
 * fdatasync, and each write() resolves once its batch is durable. The order of the log is the
 * order of write() calls, which is the order the engine applied the events in memory.
 *
 * Replay stays bounded by snapshots: every `snapshotEvery` events the current state is written as
 * one `snap` event in a batch of its own and the log start is moved to it (whole segments below
 * are deleted), so a start reads one snapshot plus the events after it.
 */
import { SluiceError } from '../errors.js';
import { decodeBatches } from '../records/decoder.js';
import { encodeUncompressedBatch } from '../records/encoder.js';
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

export class StateJournal {
  private status: JournalStatus = 'open';
  private failure: SluiceError | undefined;
  /** Every append not yet settled (and a snapshot's log truncation), for close() to wait on. */
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Writes made while the journal's topic is being created (the first write of a broker),
   * handed to the store in order once it exists. */
  private creating: Promise<void> | undefined;
  private beforeTopic: Array<() => void> = [];
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

  /**
   * Queues events (already applied in memory); resolves when they are durable. Each call is handed
   * to the store at once, synchronously, so the log keeps the order of calls; the store's group
   * commit writes what arrives together with one writev and covers it with one fdatasync, and it
   * writes the next group while that fdatasync runs. (Waiting for one append to be durable before
   * writing the next doubled the time a receive or an ack waited for its lease or settle.)
   */
  write(events: QueueEvent[]): Promise<void> {
    if (this.status !== 'open') return Promise.reject(this.failure ?? new SluiceError('STORE_CLOSED', 'queue state journal is closed'));
    if (events.length === 0) return Promise.resolve();
    this.sinceSnapshot += events.length;
    const lines = events.map((ev) => JSON.stringify(ev));
    // Serialised now: the snapshot shares objects with the live state, which later events mutate.
    const snap = this.sinceSnapshot >= this.snapshotEvery ? this.snapshotLine() : undefined;
    const done = this.whenTopic(() => this.append(lines));
    if (snap) void this.whenTopic(() => this.appendSnapshot(snap)).catch(() => {});
    return done.then(() => undefined);
  }

  /** Writes a snapshot now (tests, shutdown) and resolves when it is durable. */
  async snapshotNow(): Promise<void> {
    if (this.status !== 'open') throw this.failure ?? new SluiceError('STORE_CLOSED', 'queue state journal is closed');
    await this.whenTopic(() => this.appendSnapshot(this.snapshotLine()));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    while (this.inFlight.size > 0 || this.creating) await Promise.allSettled([...this.inFlight, this.creating]);
    if (this.status === 'open') this.status = 'closed';
  }

  get error(): SluiceError | undefined {
    return this.failure;
  }

  private snapshotLine(): string {
    this.sinceSnapshot = 0;
    return JSON.stringify(this.takeSnapshot());
  }

  /** A snapshot in a batch of its own; once durable, the log before it is deleted. */
  private async appendSnapshot(snap: string): Promise<void> {
    const at = await this.append([snap]);
    const truncated = this.store.deleteRecords(QUEUE_STATE_TOPIC, 0, at);
    this.hold(truncated);
    try {
      await truncated;
    } catch (err) {
      this.fail(err);
      throw this.failure;
    }
  }

  /** Runs `submit` now if the topic exists, else once it has been created, in call order. */
  private whenTopic<T>(submit: () => Promise<T>): Promise<T> {
    if (!this.creating && this.store.getTopic(QUEUE_STATE_TOPIC)) return submit();
    const result = new Promise<T>((resolve, reject) => this.beforeTopic.push(() => submit().then(resolve, reject)));
    this.creating ??= StateJournal.ensureTopic(this.store).then(
      () => {
        this.creating = undefined;
        for (const run of this.beforeTopic.splice(0)) run();
      },
      (err: unknown) => {
        this.creating = undefined;
        this.fail(err);
        for (const run of this.beforeTopic.splice(0)) run();
      },
    );
    return result;
  }

  /** Hands one batch to the store synchronously; resolves with its offset once durable. A
   * failure stops the journal, and no write after the failed one is reported durable even if the
   * store took it. */
  private append(values: string[]): Promise<number> {
    if (this.status !== 'open') return Promise.reject(this.failure ?? new SluiceError('STORE_CLOSED', 'queue state journal is closed'));
    let appended: Promise<number>;
    try {
      const now = Date.now();
      appended = this.store.append(QUEUE_STATE_TOPIC, 0, encodeUncompressedBatch(values.map((value) => ({ value, timestamp: now })))).then((r) => r.baseOffset);
    } catch (err) {
      appended = Promise.reject(err);
    }
    const settled = appended.then(
      (offset) => {
        if (this.status === 'failed') throw this.failure;
        return offset;
      },
      (err: unknown) => {
        this.fail(err);
        throw this.failure;
      },
    );
    this.hold(settled);
    return settled;
  }

  private hold(work: Promise<unknown>): void {
    const settled: Promise<unknown> = work.then(
      () => this.inFlight.delete(settled),
      () => this.inFlight.delete(settled),
    );
    this.inFlight.add(settled);
  }

  private fail(err: unknown): void {
    if (this.status === 'failed') return;
    this.status = 'failed';
    this.failure = new SluiceError('QUEUE_STATE_FAILED', `queue state journal write failed; the queue layer stopped: ${(err as Error)?.message ?? err}`, { cause: String(err) });
  }
}
