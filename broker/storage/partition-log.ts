import { join } from 'node:path';
import { SluiceError, isSluiceError } from '../errors.js';
import type { Logger } from '../logger.js';
import { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch, validateProducedBatch } from '../records/batch-header.js';
import { AppendPipeline, type AppendHost } from './append-pipeline.js';
import type { FileCache } from './file-cache.js';
import { writeFileAtomic } from './fs-util.js';
import { isExpired, planRetention, type SegmentSummary } from './retention.js';
import type { Segment } from './segment.js';
import { EMPTY, findBatchContaining, readWholeBatches } from './segment-reader.js';
import { findRecordByTimestamp, type TimestampHit } from './timestamp-lookup.js';
import type { AppendResult, BeforeRetentionDelete, FlushPolicy, PartitionOffsets, PartitionState, ReadResult, TopicConfig } from './types.js';

export const LOG_START_FILE = 'log-start-offset';

export interface PartitionContext {
  topic: string;
  partition: number;
  dir: string;
  /** Read on every use, so alterTopicConfig applies without reopening. */
  config: () => TopicConfig;
  defaultFlushPolicy: FlushPolicy;
  defaultFlushIntervalMs: number;
  logger: Logger;
  counters: { fsyncs: number; appends: number };
  /** The store's bounded set of open segment descriptors. */
  files: FileCache;
  /** Read on every retention run (FileLogStore.setBeforeRetentionDelete). */
  beforeRetentionDelete: () => BeforeRetentionDelete | undefined;
}

export interface Damage {
  segment: string;
  position: number;
  reason: string;
}

/** `failed`: an I/O error hit the write path. Like PostgreSQL after fsyncgate, the partition stops
 * taking writes instead of retrying, because what reached the disk is unknown until a restart
 * rescans it. */
type PartitionStatus = 'open' | 'damaged' | 'failed' | 'closed';

/** One partition: an ordered list of segments, the last one active. */
export class PartitionLog {
  /** Replaced, never mutated, so a read can iterate a stable snapshot across awaits. */
  private segments: Segment[];
  logStartOffset: number;
  /** Next offset to assign; runs ahead of the high watermark while appends are in flight. */
  private nextOffset: number;
  /** End of what producers were told is stored: readers never see past it. */
  private highWatermark: number;
  private status: PartitionStatus;
  private accepting = true;
  private failure: SluiceError | undefined;
  private readonly pipeline: AppendPipeline;

  constructor(
    private readonly ctx: PartitionContext,
    segments: Segment[],
    logStartOffset: number,
    readonly damage: Damage | undefined,
  ) {
    this.segments = segments;
    const end = this.active.nextOffset;
    this.nextOffset = this.highWatermark = end;
    this.logStartOffset = Math.min(Math.max(logStartOffset, segments[0]!.baseOffset), end);
    this.status = damage ? 'damaged' : 'open';
    this.pipeline = new AppendPipeline(this.appendHost());
  }

  /** The deleteRecords call in progress (they run one at a time). */
  private deleting: Promise<unknown> = Promise.resolve();

  private get active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Validates and stamps the batch now (offsets follow call order), then hands it to the group
   * committer. The caller's buffer is rewritten in place and must not be reused. */
  append(bytes: Buffer, now: number): Promise<AppendResult> {
    try {
      this.assertWritable();
      const config = this.ctx.config();
      const header = validateProducedBatch(bytes, config.maxMessageBytes);
      const baseOffset = this.nextOffset;
      setBaseOffset(bytes, baseOffset);
      setPartitionLeaderEpoch(bytes, 0);
      let maxTimestamp = header.maxTimestamp;
      let logAppendTime = -1;
      if (config.timestampType === 'LogAppendTime') {
        setLogAppendTime(bytes, now);
        maxTimestamp = logAppendTime = now;
      }
      const lastOffset = baseOffset + header.lastOffsetDelta;
      this.nextOffset = lastOffset + 1;
      this.ctx.counters.appends++;
      return new Promise((resolve, reject) =>
        this.pipeline.submit({ kind: 'append', bytes, baseOffset, lastOffset, maxTimestamp, now, logAppendTime, resolve, reject }),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async read(fromOffset: number, maxBytes: number): Promise<ReadResult> {
    this.assertReadable();
    if (!Number.isSafeInteger(fromOffset) || fromOffset < this.logStartOffset || fromOffset > this.nextOffset) {
      throw this.outOfRange(fromOffset);
    }
    const highWatermark = this.highWatermark;
    if (fromOffset >= highWatermark) return { bytes: EMPTY, logStartOffset: this.logStartOffset, highWatermark };
    const segments = this.segments;
    const chunks: Buffer[] = [];
    let total = 0;
    for (let i = segmentIndexFor(segments, fromOffset); i < segments.length; i++) {
      const segment = segments[i]!;
      // Retention removed it between our bounds check and now: the data is gone, stop here.
      if (!segment.acquire()) break;
      try {
        const first = chunks.length === 0;
        let position = 0;
        if (first) {
          const hit = await findBatchContaining(segment, fromOffset);
          if (!hit) continue;
          position = hit.position;
        }
        const bytes = await readWholeBatches(segment, position, maxBytes - total, first);
        if (bytes.length > 0) chunks.push(bytes);
        total += bytes.length;
        if (total >= maxBytes || position + bytes.length < segment.readableSize) break;
      } finally {
        segment.release();
      }
    }
    if (chunks.length === 0 && fromOffset < this.logStartOffset) throw this.outOfRange(fromOffset);
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    return { bytes, logStartOffset: this.logStartOffset, highWatermark };
  }

  /** First record at or after the log start whose timestamp >= `timestamp` (see timestamp-lookup.ts). */
  async recordForTimestamp(timestamp: number): Promise<TimestampHit | undefined> {
    this.assertReadable();
    for (const segment of this.segments) {
      if (segment.largestTimestamp < timestamp || segment.nextOffset <= this.logStartOffset) continue;
      if (!segment.acquire()) continue;
      try {
        const hit = await findRecordByTimestamp(segment, timestamp, this.logStartOffset);
        if (hit) return hit;
      } finally {
        segment.release();
      }
    }
    return undefined;
  }

  /** False after an I/O error on the write path: what reached the disk is unknown until the next
   * open rescans it, so the store must not write its clean-shutdown marker. */
  get healthy(): boolean {
    return this.status !== 'failed';
  }

  offsets(): PartitionOffsets {
    return { logStartOffset: this.logStartOffset, logEndOffset: this.highWatermark };
  }

  /** Stamped on the next append (appends in flight are below it, above the high watermark). */
  nextAppendOffset(): number {
    return this.nextOffset;
  }

  /** Kafka DeleteRecords: -1 means the high watermark. The new start is persisted before it is
   * acted on, so a crash cannot resurrect records a caller was told are gone. */
  async deleteRecords(beforeOffset: number): Promise<PartitionOffsets> {
    this.assertReadable();
    const target = beforeOffset === -1 ? this.highWatermark : beforeOffset;
    if (!Number.isSafeInteger(target) || target < 0 || target > this.highWatermark) throw this.outOfRange(beforeOffset);
    // One at a time: two calls at once would share the log-start file's temp file, and the
    // smaller offset could be written last.
    const run = this.deleting.then(() => this.moveLogStart(target));
    this.deleting = run.catch(() => {});
    return run;
  }

  private async moveLogStart(target: number): Promise<PartitionOffsets> {
    if (target > this.logStartOffset) {
      await writeFileAtomic(join(this.ctx.dir, LOG_START_FILE), `${target}\n`);
      this.ctx.counters.fsyncs += 2;
      this.logStartOffset = Math.max(this.logStartOffset, target);
      await this.deleteLeadingSegments(planRetention(this.summaries(), { retentionMs: -1, retentionBytes: -1 }, this.logStartOffset, 0).deleteCount, 'log start offset');
    }
    return this.offsets();
  }

  /** Kafka rolls an expired active segment so retention can delete it; so do we, through the
   * group committer so the roll is ordered with appends. */
  async applyRetention(now: number): Promise<void> {
    if (this.status !== 'open' || !this.accepting) return;
    const config = this.ctx.config();
    const active = this.active;
    if (config.retentionMs >= 0 && isExpired(summarize(active), config.retentionMs, now)) {
      await this.pipeline.requestRoll();
    }
    const plan = planRetention(this.summaries(), config, this.logStartOffset, now);
    const hook = this.ctx.beforeRetentionDelete();
    if (plan.deleteCount <= 0 || !hook || plan.reason === 'log start offset') {
      await this.deleteLeadingSegments(plan.deleteCount, plan.reason);
      return;
    }
    // The hook (queue archive) sees the records before they go; if it fails they stay this round.
    const to = this.segments[plan.deleteCount]!.baseOffset;
    if (to > this.logStartOffset) {
      try {
        await hook(this.ctx.topic, this.ctx.partition, this.logStartOffset, to);
      } catch (err) {
        // A deferral is the hook's own decision (a message mid-move, the queue layer not open), not a fault.
        const deferred = err instanceof SluiceError && err.code === 'RETENTION_DEFERRED';
        this.ctx.logger[deferred ? 'warn' : 'error'](deferred ? 'retention deferred; segments kept until the next retention run' : 'before-retention hook failed; segments kept until the next retention run', {
          topic: this.ctx.topic,
          partition: this.ctx.partition,
          toOffset: to,
          error: (err as Error)?.message ?? String(err),
        });
        return;
      }
      if (this.status !== 'open') return;
    }
    // Segments are only added at the end meanwhile: delete exactly those the hook was shown.
    let count = 0;
    while (count < this.segments.length - 1 && this.segments[count]!.nextOffset <= to) count++;
    await this.deleteLeadingSegments(count, plan.reason);
  }

  state(): PartitionState {
    let sizeBytes = 0;
    for (const s of this.segments) sizeBytes += s.size;
    const state: PartitionState = {
      topic: this.ctx.topic,
      partition: this.ctx.partition,
      offsets: this.offsets(),
      segments: this.segments.length,
      sizeBytes,
    };
    if (this.damage) state.damage = { ...this.damage };
    return state;
  }

  get bytesOnDisk(): number {
    let total = 0;
    for (const s of this.segments) total += s.bytesOnDisk;
    return total;
  }

  /** Waits for queued appends, flushes, writes the active segment's indexes and closes files. */
  async close(): Promise<void> {
    if (this.status === 'closed') return;
    this.accepting = false;
    await this.pipeline.drain();
    if (this.status === 'open') {
      try {
        await this.active.datasync();
        this.ctx.counters.fsyncs++;
        await this.active.sealIndexes();
      } catch (err) {
        this.fail(err);
      }
    }
    this.status = 'closed';
    await Promise.all(this.segments.map((s) => s.close()));
  }

  private appendHost(): AppendHost {
    return {
      dir: this.ctx.dir,
      config: () => this.ctx.config(),
      flushPolicy: () => this.flushPolicy(),
      flushIntervalMs: () => this.ctx.config().flushIntervalMs ?? this.ctx.defaultFlushIntervalMs,
      counters: this.ctx.counters,
      activeSegment: () => this.active,
      addSegment: (next) => {
        this.segments = [...this.segments, next];
      },
      blockedBy: () => (this.status === 'open' ? undefined : (this.failure ?? this.unavailable())),
      fail: (err) => this.fail(err),
      acknowledged: (segment, endPosition, highWatermark) => {
        segment.readableSize = endPosition;
        this.highWatermark = highWatermark;
        return this.logStartOffset;
      },
      onRoll: (next) => this.ctx.logger.debug('rolled segment', { topic: this.ctx.topic, partition: this.ctx.partition, segment: next.name }),
    };
  }

  private async deleteLeadingSegments(count: number, reason: string): Promise<void> {
    if (count <= 0) return;
    const doomed = this.segments.slice(0, count);
    this.segments = this.segments.slice(count);
    this.logStartOffset = Math.max(this.logStartOffset, this.segments[0]!.baseOffset);
    this.ctx.logger.info('deleted log segments', {
      topic: this.ctx.topic,
      partition: this.ctx.partition,
      reason,
      segments: doomed.map((s) => s.name),
      logStartOffset: this.logStartOffset,
    });
    await Promise.all(doomed.map((s) => s.destroy()));
  }

  private summaries(): SegmentSummary[] {
    return this.segments.map(summarize);
  }

  private flushPolicy(): FlushPolicy {
    return this.ctx.config().flushPolicy ?? this.ctx.defaultFlushPolicy;
  }

  private fail(err: unknown): SluiceError {
    if (this.status === 'open') this.status = 'failed';
    const error = isSluiceError(err)
      ? err
      : new SluiceError('IO_ERROR', `${this.label}: write path failed, partition stops accepting appends: ${(err as Error)?.message ?? err}`, {
          cause: err,
        });
    this.failure ??= error;
    this.ctx.logger.error('partition write failed', { topic: this.ctx.topic, partition: this.ctx.partition, error: error.message });
    return error;
  }

  private assertWritable(): void {
    this.assertReadable();
    if (!this.accepting) throw new SluiceError('STORE_CLOSED', `${this.label} is closed`);
    if (this.status === 'failed') throw this.failure ?? this.unavailable();
  }

  private assertReadable(): void {
    if (this.status === 'damaged') throw this.corruptError();
    if (this.status === 'closed') throw new SluiceError('STORE_CLOSED', `${this.label} is closed`);
  }

  private corruptError(): SluiceError {
    const d = this.damage!;
    return new SluiceError(
      'CORRUPT_LOG',
      `${this.label} is damaged: segment ${join(this.ctx.dir, d.segment)} at file position ${d.position}: ${d.reason}. ` +
        'It serves no reads or appends until an operator repairs or deletes it.',
      { topic: this.ctx.topic, partition: this.ctx.partition, ...d },
    );
  }

  private unavailable(): SluiceError {
    return this.status === 'damaged' ? this.corruptError() : new SluiceError('STORE_CLOSED', `${this.label} is closed`);
  }

  private outOfRange(offset: number): SluiceError {
    return new SluiceError(
      'OFFSET_OUT_OF_RANGE',
      `${this.label}: offset ${offset} is outside [${this.logStartOffset}, ${this.highWatermark}]`,
      { offset, logStartOffset: this.logStartOffset, logEndOffset: this.highWatermark },
    );
  }

  private get label(): string {
    return `partition ${this.ctx.topic}-${this.ctx.partition}`;
  }
}

function summarize(s: Segment): SegmentSummary {
  return { sizeBytes: s.size, largestTimestamp: s.largestTimestamp, lastAppendAt: s.lastAppendAt, nextOffset: s.nextOffset };
}

/** Last segment whose base offset is <= offset. */
function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
