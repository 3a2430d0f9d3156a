import { BATCH, probeBatch } from '../records/batch-header.js';
import { readInt64 } from './fs-util.js';
import type { Segment } from './segment.js';

/**
 * Recovery scan of one segment file: re-reads every batch, checks it with `probeBatch` (length,
 * magic, CRC-32C, record count) and checks offset continuity (baseOffset is outside the CRC, so
 * only continuity catches a damaged one), and rebuilds the segment's indexes as it goes.
 *
 * Where a check fails, the rest of the file decides what it was:
 * - `torn-tail`: nothing valid follows (a write cut short, zeros from a file extended before its
 *   data landed, garbage). Safe to truncate, and only ever done on the last segment.
 * - `corrupt`: a valid batch with a plausible offset follows, so this is damage in the middle of
 *   the log (a flipped bit). Truncating would throw away acknowledged data, so it is reported.
 */
export type ScanOutcome =
  | { kind: 'clean' }
  | { kind: 'torn-tail'; position: number; reason: string }
  | { kind: 'corrupt'; position: number; reason: string };

const WINDOW = 1 << 20;

export async function scanSegment(segment: Segment, fileSize: number, indexIntervalBytes: number, mtimeMs: number): Promise<ScanOutcome> {
  const reader = new WindowReader(segment, fileSize);
  let pos = 0;
  let firstMaxTimestamp = -1;
  let failure: string | undefined;
  while (pos < fileSize) {
    const result = await probeAt(reader, pos, segment.nextOffset);
    if (typeof result === 'string') {
      failure = result;
      break;
    }
    const { size, lastOffset, maxTimestamp } = result;
    if (pos === 0) firstMaxTimestamp = maxTimestamp;
    segment.trackBatch(segment.nextOffset, lastOffset, size, maxTimestamp, mtimeMs, indexIntervalBytes);
    pos += size;
  }
  segment.readableSize = segment.size;
  if (segment.size > 0) segment.restoreTimes(firstMaxTimestamp, mtimeMs);
  else segment.restoreEmpty(mtimeMs);
  if (failure === undefined) return { kind: 'clean' };
  const later = await findValidBatchAfter(reader, pos, segment.nextOffset);
  if (later !== undefined) {
    return { kind: 'corrupt', position: pos, reason: `${failure}; a valid batch follows at position ${later}` };
  }
  return { kind: 'torn-tail', position: pos, reason: failure };
}

interface Probed {
  size: number;
  lastOffset: number;
  maxTimestamp: number;
}

/** Validates the batch at `pos`, expecting it to start at `expectedOffset`; a string says why not. */
async function probeAt(reader: WindowReader, pos: number, expectedOffset: number): Promise<Probed | string> {
  const fileSize = reader.fileSize;
  if (fileSize - pos < BATCH.OVERHEAD) return `${fileSize - pos} trailing bytes are shorter than a batch header`;
  let view = await reader.view(pos, BATCH.OVERHEAD);
  const size = view.buf.readInt32BE(view.at + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
  if (size < BATCH.OVERHEAD) return `batch size ${size} is below the ${BATCH.OVERHEAD}-byte header`;
  if (pos + size > fileSize) return `batch of ${size} bytes extends past the end of the file (${fileSize - pos} bytes left)`;
  view = await reader.view(pos, size);
  const probe = probeBatch(view.buf, view.at, view.at + size);
  if (probe.kind === 'invalid') return probe.reason;
  if (probe.kind === 'truncated') return 'incomplete batch';
  const baseOffset = probe.header.baseOffset;
  if (baseOffset !== expectedOffset) return `batch baseOffset ${baseOffset} breaks continuity (expected ${expectedOffset})`;
  return { size, lastOffset: baseOffset + probe.header.lastOffsetDelta, maxTimestamp: probe.header.maxTimestamp };
}

/** Looks for any whole valid batch starting after `from` whose offset could belong to this log.
 * Cheap rejections run synchronously over each window, so zero-filled or garbage tails are walked
 * at memory speed; only candidates that pass them pay for a CRC. */
async function findValidBatchAfter(reader: WindowReader, from: number, minOffset: number): Promise<number | undefined> {
  const fileSize = reader.fileSize;
  let q = from + 1;
  while (q + BATCH.OVERHEAD <= fileSize) {
    const span = Math.min(WINDOW, fileSize - q);
    const { buf, at } = await reader.view(q, span);
    const last = at + span - BATCH.OVERHEAD;
    for (let i = at; i <= last; i++) {
      if (buf[i + BATCH.MAGIC] !== 2) continue;
      const pos = q + (i - at);
      const size = buf.readInt32BE(i + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
      if (size < BATCH.OVERHEAD || pos + size > fileSize) continue;
      if (readInt64(buf, i + BATCH.BASE_OFFSET) < minOffset) continue;
      const whole = await reader.view(pos, size);
      if (probeBatch(whole.buf, whole.at, whole.at + size).kind === 'batch') return pos;
    }
    q += last - at + 1;
  }
  return undefined;
}

/** Sequential reads through a file with a sliding buffer; grows for batches larger than it. */
class WindowReader {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly segment: Segment,
    readonly fileSize: number,
  ) {}

  async view(pos: number, length: number): Promise<{ buf: Buffer; at: number }> {
    if (pos < this.start || pos + length > this.start + this.buf.length) {
      const want = Math.min(Math.max(WINDOW, length), this.fileSize - pos);
      this.buf = await this.segment.readAt(pos, want);
      this.start = pos;
    }
    return { buf: this.buf, at: pos - this.start };
  }
}
