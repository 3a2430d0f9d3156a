import { writevSync } from 'node:fs';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BATCH } from '../records/batch-header.js';
import { CachedFile, type FileCache } from './file-cache.js';
import { isNotFound, readInt64, segmentFileName } from './fs-util.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';

/**
 * Writes up to this size go to the page cache with a synchronous writev: copying a few KiB costs
 * microseconds, while an async write waits a thread-pool round trip and an event-loop turn
 * (~0.4 ms measured under load), and every fdatasync-acknowledged append waits for it first.
 * Larger writes stay async so one big batch cannot stall the event loop.
 */
const SYNC_WRITE_MAX = 256 * 1024;

type SegmentState = 'open' | 'closing' | 'closed';

/**
 * One `.log` file of record batches plus its two sparse indexes. Writes are positional on a raw
 * file handle (no streams, no O_APPEND): the partition's single writer decides positions, so a
 * torn or failed write can never shift later data. The descriptor comes from the store's
 * FileCache: it is opened on use and may be closed while the segment is idle.
 */
export class Segment {
  readonly name: string;
  /** Bytes that have a position (written or being written). */
  size = 0;
  /** Bytes acknowledged to producers: readers never see past this. */
  readableSize = 0;
  nextOffset: number;
  lastBatchOffset = -1;
  lastBatchPosition = -1;
  /** Broker time of the first batch; drives segmentMs rolls. */
  firstAppendAt = -1;
  lastAppendAt = -1;
  /** Largest batch maxTimestamp in the segment; drives retentionMs. */
  largestTimestamp = -1;
  offsetIndex = new OffsetIndex();
  timeIndex = new TimeIndex();
  private bytesSinceIndexEntry = 0;
  private readers = 0;
  private state: SegmentState = 'open';
  private drained: (() => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly file: CachedFile,
  ) {
    this.name = segmentFileName(baseOffset, 'log');
    this.nextOffset = baseOffset;
  }

  static async create(dir: string, baseOffset: number, files: FileCache): Promise<Segment> {
    const file = await CachedFile.create(files, join(dir, segmentFileName(baseOffset, 'log')));
    return new Segment(dir, baseOffset, file);
  }

  /** An existing file, not opened yet; `size` is what is on disk, not yet validated. */
  static async open(dir: string, baseOffset: number, files: FileCache): Promise<{ segment: Segment; fileSize: number; mtimeMs: number }> {
    const path = join(dir, segmentFileName(baseOffset, 'log'));
    const st = await stat(path);
    return { segment: new Segment(dir, baseOffset, CachedFile.existing(files, path)), fileSize: st.size, mtimeMs: st.mtimeMs };
  }

  /** The cache the segment's descriptor lives in; the segment after a roll uses it too. */
  get files(): FileCache {
    return this.file.cache;
  }

  get indexPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, 'index'));
  }

  get timeIndexPath(): string {
    return join(this.dir, segmentFileName(this.baseOffset, 'timeindex'));
  }

  /** Records a batch at the end of the segment and returns its position. Shared by the append path
   * and the recovery scan, so a rebuilt index is exactly the one appends would have produced. */
  trackBatch(baseOffset: number, lastOffset: number, sizeInBytes: number, maxTimestamp: number, now: number, indexIntervalBytes: number): number {
    const position = this.size;
    if (this.firstAppendAt < 0) this.firstAppendAt = now;
    if (maxTimestamp > this.largestTimestamp) this.largestTimestamp = maxTimestamp;
    if (this.bytesSinceIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.timeIndex.append(this.largestTimestamp, baseOffset - this.baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += sizeInBytes;
    this.size += sizeInBytes;
    this.lastBatchOffset = baseOffset;
    this.lastBatchPosition = position;
    this.nextOffset = lastOffset + 1;
    this.lastAppendAt = now;
    return position;
  }

  /** Writes all of `buffers` at `position`, looping over short writes. */
  async writeAt(buffers: Buffer[], position: number, total: number): Promise<void> {
    const handle = this.file.use();
    // The append path: no extra await when the descriptor is already open (the usual case).
    const fh = handle instanceof Promise ? await handle : handle;
    try {
      this.file.markWritten();
      let written = total <= SYNC_WRITE_MAX ? writevSync(fh.fd, buffers, position) : (await fh.writev(buffers, position)).bytesWritten;
      while (written < total) {
        const rest = sliceFrom(buffers, written);
        written += (await fh.writev(rest, position + written)).bytesWritten;
      }
    } finally {
      this.file.unpin();
    }
  }

  async readAt(position: number, length: number): Promise<Buffer> {
    const fh = await this.file.use();
    try {
      const buf = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await fh.read(buf, filled, length - filled, position + filled);
        if (bytesRead === 0) return buf.subarray(0, filled);
        filled += bytesRead;
      }
      return buf;
    } finally {
      this.file.unpin();
    }
  }

  async datasync(): Promise<void> {
    await this.file.datasync();
  }

  async truncate(size: number): Promise<void> {
    const fh = await this.file.use();
    try {
      this.file.markWritten();
      await fh.truncate(size);
    } finally {
      this.file.unpin();
    }
    await this.file.datasync();
  }

  /** Background work finishing a rolled segment (see PartitionLog.roll); close waits for it. */
  sealing: Promise<void> | undefined;

  /** Adds entries for the last batch (so the index can be checked against the log on open) and
   * writes both index files. They are not fsynced: an index lost or torn by a power cut fails the
   * checks in loadIndexes and is rebuilt, so its durability buys nothing. */
  async sealIndexes(): Promise<void> {
    if (this.lastBatchOffset >= 0) {
      const rel = this.lastBatchOffset - this.baseOffset;
      const n = this.offsetIndex.length;
      if (n === 0 || this.offsetIndex.offsetAt(n - 1) !== rel) this.offsetIndex.append(rel, this.lastBatchPosition);
      const t = this.timeIndex.length;
      if (t === 0 || this.timeIndex.offsetAt(t - 1) !== rel || this.timeIndex.timestampAt(t - 1) !== this.largestTimestamp) {
        this.timeIndex.append(this.largestTimestamp, rel);
      }
    }
    await writeFile(this.indexPath, this.offsetIndex.toBuffer());
    await writeFile(this.timeIndexPath, this.timeIndex.toBuffer());
  }

  /** Loads the index files of a segment believed complete and checks them against the log: the
   * last offset entry must point at the last batch, which must end exactly at the end of the file.
   * Returns why they cannot be used, or undefined when they were adopted. */
  async loadIndexes(fileSize: number, mtimeMs: number): Promise<string | undefined> {
    const rawIndex = await readOptional(this.indexPath);
    const rawTime = await readOptional(this.timeIndexPath);
    if (fileSize === 0) {
      this.restoreEmpty(mtimeMs);
      return undefined;
    }
    if (!rawIndex) return 'offset index missing';
    if (!rawTime) return 'time index missing';
    const offsetIndex = OffsetIndex.fromBuffer(rawIndex, fileSize);
    if (typeof offsetIndex === 'string') return `offset index: ${offsetIndex}`;
    const timeIndex = TimeIndex.fromBuffer(rawTime);
    if (typeof timeIndex === 'string') return `time index: ${timeIndex}`;
    if (offsetIndex.length === 0 || timeIndex.length === 0) return 'index has no entry for the last batch';
    const lastRel = offsetIndex.offsetAt(offsetIndex.length - 1);
    const lastPos = offsetIndex.positionAt(offsetIndex.length - 1);
    if (timeIndex.offsetAt(timeIndex.length - 1) !== lastRel) return 'time index does not end at the last batch';
    const last = await this.readAt(lastPos, BATCH.OVERHEAD);
    const first = await this.readAt(0, BATCH.OVERHEAD);
    if (last.length < BATCH.OVERHEAD || first.length < BATCH.OVERHEAD) return 'log shorter than the index claims';
    const lastSize = last.readInt32BE(BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
    if (last.readInt8(BATCH.MAGIC) !== 2 || readInt64(last, BATCH.BASE_OFFSET) !== this.baseOffset + lastRel) {
      return `last index entry does not point at a batch with offset ${this.baseOffset + lastRel}`;
    }
    if (lastPos + lastSize !== fileSize) return `last indexed batch ends at ${lastPos + lastSize}, the log at ${fileSize} (stale index)`;
    if (readInt64(first, BATCH.BASE_OFFSET) !== this.baseOffset) return 'first batch offset differs from the segment name';
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.size = this.readableSize = fileSize;
    this.lastBatchOffset = this.baseOffset + lastRel;
    this.lastBatchPosition = lastPos;
    this.nextOffset = this.lastBatchOffset + last.readInt32BE(BATCH.LAST_OFFSET_DELTA) + 1;
    this.largestTimestamp = timeIndex.timestampAt(timeIndex.length - 1);
    this.restoreTimes(readInt64(first, BATCH.MAX_TIMESTAMP), mtimeMs);
    return undefined;
  }

  /** After a reopen the broker time of the first append is gone; like Kafka, fall back to the first
   * batch's timestamp (never in the future), else the file time. */
  restoreTimes(firstBatchMaxTimestamp: number, mtimeMs: number): void {
    this.firstAppendAt = firstBatchMaxTimestamp >= 0 ? Math.min(firstBatchMaxTimestamp, Date.now()) : mtimeMs;
    this.lastAppendAt = mtimeMs;
  }

  restoreEmpty(mtimeMs: number): void {
    this.size = this.readableSize = 0;
    this.lastAppendAt = mtimeMs;
  }

  /** Readers pin the file so retention can unlink it without pulling the fd from under them
   * (a pinned descriptor is not evicted either). */
  acquire(): boolean {
    if (this.state !== 'open') return false;
    this.readers++;
    this.file.pin();
    return true;
  }

  release(): void {
    this.readers--;
    this.file.unpin();
    if (this.readers === 0 && this.drained) this.drained();
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    await this.closeFile();
  }

  /** Unlinks the files now (open readers keep their view) and closes once readers are done. */
  async destroy(): Promise<void> {
    const wasOpen = this.state === 'open';
    // No new readers from here; current ones need the descriptor open before the name goes, as
    // an evicted file could not be reopened after the unlink.
    if (wasOpen) this.state = 'closing';
    if (this.sealing) await this.sealing;
    if (this.readers > 0) {
      try {
        await this.file.use();
        this.file.unpin();
      } catch {
        // Closed meanwhile (no reader left to need it), or it cannot be opened: then the readers'
        // own reads report the error.
      }
    }
    await Promise.all([this.indexPath, this.timeIndexPath, join(this.dir, this.name)].map(unlinkQuietly));
    // Otherwise a close() already in progress finishes the job.
    if (wasOpen) await this.closeFile();
  }

  private async closeFile(): Promise<void> {
    if (this.sealing) await this.sealing;
    if (this.readers > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.file.close();
    this.state = 'closed';
  }

  get bytesOnDisk(): number {
    return this.size + this.offsetIndex.sizeInBytes + this.timeIndex.sizeInBytes;
  }
}

function sliceFrom(buffers: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
