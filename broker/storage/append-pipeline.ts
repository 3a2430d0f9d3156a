import type { SluiceError } from '../errors.js';
import { timeFsync } from '../metrics/storage.js';
import { fsyncDir } from './fs-util.js';
import { GroupCommitter, IntervalFlusher } from './group-commit.js';
import { Segment } from './segment.js';
import type { AppendResult, FlushPolicy, TopicConfig } from './types.js';

/** Index entries hold offsets relative to the segment base as int32. */
const MAX_RELATIVE_OFFSET = 0x7fff_ffff;

export type PendingAppend = {
  kind: 'append';
  bytes: Buffer;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  now: number;
  logAppendTime: number;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
};

type Pending = PendingAppend | { kind: 'roll'; resolve: () => void; reject: (err: unknown) => void };

/** Appends written to the OS and waiting to be acknowledged: items[start, end) of one group. */
interface WrittenRun {
  segment: Segment;
  endPosition: number;
  items: Pending[];
  start: number;
  end: number;
}

/** What the pipeline needs from its partition. */
export interface AppendHost {
  readonly dir: string;
  config(): TopicConfig;
  flushPolicy(): FlushPolicy;
  flushIntervalMs(): number;
  counters: { fsyncs: number };
  activeSegment(): Segment;
  /** Makes `next` the active segment. */
  addSegment(next: Segment): void;
  /** Why appends cannot proceed now, or undefined while the partition is open. */
  blockedBy(): SluiceError | undefined;
  /** Marks the partition failed and returns the error to hand to callers. */
  fail(err: unknown): SluiceError;
  /** Data up to `endPosition` of `segment` (offsets below `highWatermark`) is acknowledged;
   * returns the current log start offset for the append results. */
  acknowledged(segment: Segment, endPosition: number, highWatermark: number): number;
  onRoll(segment: Segment): void;
}

/**
 * The write path of one partition: group commit (group-commit.ts), segment rolls, and the
 * fdatasync pipeline. Under `sync` the writer never waits for an fsync: it writes group N+1 while
 * the syncer runs the fdatasync covering group N, and one fdatasync acknowledges every run written
 * before it started.
 */
export class AppendPipeline {
  private readonly committer = new GroupCommitter<Pending>((items) => this.processGroup(items));
  private readonly flusher: IntervalFlusher;
  private syncQueue: WrittenRun[] = [];
  private syncing: Promise<void> | undefined;

  constructor(private readonly host: AppendHost) {
    this.flusher = new IntervalFlusher(
      () => this.flushActive(),
      () => host.flushIntervalMs(),
    );
  }

  submit(item: PendingAppend): void {
    this.committer.submit(item);
  }

  /** Rolls the active segment in order with appends (retention uses it); no-op when empty. */
  requestRoll(): Promise<void> {
    return new Promise((resolve, reject) => this.committer.submit({ kind: 'roll', resolve, reject }));
  }

  /** Waits until everything submitted is written, synced per policy and settled. */
  async drain(): Promise<void> {
    await this.committer.idle();
    while (this.syncing) await this.syncing;
    await this.flusher.flushNow();
  }

  private async processGroup(items: Pending[]): Promise<void> {
    let i = 0;
    try {
      while (i < items.length) {
        const blocked = this.host.blockedBy();
        if (blocked) throw blocked;
        const item = items[i]!;
        if (item.kind === 'roll') {
          if (this.host.activeSegment().size > 0) await this.roll();
          item.resolve();
          i++;
          continue;
        }
        if (this.shouldRoll(this.host.activeSegment(), item)) await this.roll();
        i = await this.writeRun(items, i);
      }
    } catch (err) {
      const error = this.host.blockedBy() ?? this.host.fail(err);
      for (; i < items.length; i++) items[i]!.reject(error);
    }
  }

  /** Writes consecutive appends that belong in the active segment with one writev, then hands
   * them to the syncer (or acknowledges them under `interval`). Returns the first item left. */
  private async writeRun(items: Pending[], start: number): Promise<number> {
    const segment = this.host.activeSegment();
    const indexInterval = this.host.config().indexIntervalBytes;
    const position = segment.size;
    const buffers: Buffer[] = [];
    let total = 0;
    let end = start;
    for (; end < items.length; end++) {
      const item = items[end]!;
      if (item.kind !== 'append' || (end > start && this.shouldRoll(segment, item))) break;
      segment.trackBatch(item.baseOffset, item.lastOffset, item.bytes.length, item.maxTimestamp, item.now, indexInterval);
      buffers.push(item.bytes);
      total += item.bytes.length;
    }
    await segment.writeAt(buffers, position, total);
    const run: WrittenRun = { segment, endPosition: segment.size, items, start, end };
    // A run written under `interval` still queues behind runs waiting for a sync (the policy can
    // change at runtime), so acknowledgements never overtake each other.
    if (this.host.flushPolicy() === 'sync' || this.syncing) this.enqueueSync(run);
    else {
      this.acknowledge(run);
      this.flusher.markDirty();
    }
    return end;
  }

  private enqueueSync(run: WrittenRun): void {
    this.syncQueue.push(run);
    this.syncing ??= this.syncLoop();
  }

  private async syncLoop(): Promise<void> {
    // Never finish synchronously: the caller assigns this promise to `syncing` after the call.
    await null;
    while (this.syncQueue.length > 0) {
      const runs = this.syncQueue;
      this.syncQueue = [];
      try {
        const blocked = this.host.blockedBy();
        if (blocked) throw blocked;
        let synced: Segment | undefined;
        for (const run of runs) {
          if (run.segment === synced) continue;
          await timeFsync(() => run.segment.datasync());
          this.host.counters.fsyncs++;
          synced = run.segment;
        }
        for (const run of runs) this.acknowledge(run);
      } catch (err) {
        const error = this.host.blockedBy() ?? this.host.fail(err);
        for (const run of runs) for (let k = run.start; k < run.end; k++) run.items[k]!.reject(error);
      }
    }
    this.syncing = undefined;
  }

  private acknowledge(run: WrittenRun): void {
    const last = run.items[run.end - 1] as PendingAppend;
    const logStartOffset = this.host.acknowledged(run.segment, run.endPosition, last.lastOffset + 1);
    for (let k = run.start; k < run.end; k++) {
      const it = run.items[k] as PendingAppend;
      it.resolve({ baseOffset: it.baseOffset, lastOffset: it.lastOffset, logAppendTime: it.logAppendTime, logStartOffset });
    }
  }

  private shouldRoll(segment: Segment, item: PendingAppend): boolean {
    if (segment.size === 0) return false;
    const config = this.host.config();
    return (
      segment.size + item.bytes.length > config.segmentBytes ||
      item.now - segment.firstAppendAt > config.segmentMs ||
      item.lastOffset - segment.baseOffset > MAX_RELATIVE_OFFSET
    );
  }

  /** The old segment is made durable BEFORE the new file exists: recovery treats a torn tail in a
   * segment that is not the last one as damage, so a power cut mid-roll must never leave one
   * (a roll happens once per segmentBytes, so this wait is off the common path). Its index files
   * are written in the background; on open a valid index always means a complete segment. */
  private async roll(): Promise<void> {
    const old = this.host.activeSegment();
    await old.datasync();
    this.host.counters.fsyncs++;
    const next = await Segment.create(this.host.dir, old.nextOffset, old.files);
    await fsyncDir(this.host.dir);
    this.host.counters.fsyncs++;
    this.host.addSegment(next);
    old.sealing = this.seal(old);
    this.host.onRoll(next);
  }

  private async seal(segment: Segment): Promise<void> {
    try {
      await segment.sealIndexes();
    } catch (err) {
      this.host.fail(err);
    }
  }

  private async flushActive(): Promise<void> {
    if (this.host.blockedBy()) return;
    try {
      await timeFsync(() => this.host.activeSegment().datasync());
      this.host.counters.fsyncs++;
    } catch (err) {
      this.host.fail(err);
    }
  }
}
