/**
 * Reassembles size-prefixed Kafka frames (int32 big-endian length, then that many bytes) from
 * arbitrarily chunked socket reads.
 *
 * Chunks are kept in a list and a frame is returned as a `subarray` view when it lies inside one
 * chunk; bytes are copied only when a frame spans chunks. The size prefix is validated as soon as
 * its 4 bytes arrive, so an absurd size is rejected before any of its body is waited for.
 */

/** Smallest frame that can hold a request header's fixed part (apiKey, apiVersion, correlationId). */
export const MIN_FRAME_BYTES = 8;

export type FrameResult =
  | { kind: 'frame'; frame: Buffer }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; size: number; reason: string };

const INCOMPLETE: FrameResult = Object.freeze({ kind: 'incomplete' });

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Read position inside `chunks[0]`. */
  private headOffset = 0;
  /** Unconsumed bytes across all chunks. */
  private length = 0;
  /** Size of the frame being assembled, once its prefix has been read and validated. */
  private pendingSize = -1;
  private failed: FrameResult | null = null;

  constructor(private readonly maxFrameBytes: number) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < MIN_FRAME_BYTES) {
      throw new RangeError(`maxFrameBytes must be an integer >= ${MIN_FRAME_BYTES}, got ${maxFrameBytes}`);
    }
  }

  /** Unconsumed bytes held. */
  get bufferedBytes(): number {
    return this.length;
  }

  push(chunk: Buffer): void {
    if (this.failed || chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /**
   * The next complete frame, `incomplete` when more bytes are needed, or `invalid` (sticky: the
   * stream cannot be resynchronised after a bad size prefix). `minFrameBytes` is lowered for raw
   * SASL tokens, which have no request header; `maxFrameBytes` is lowered before authentication.
   */
  next(minFrameBytes: number = MIN_FRAME_BYTES, maxFrameBytes: number = this.maxFrameBytes): FrameResult {
    if (this.failed) return this.failed;
    if (this.pendingSize < 0) {
      if (this.length < 4) return INCOMPLETE;
      const size = this.readInt32();
      const reason =
        size < 0 ? 'negative size' : size < minFrameBytes ? 'size too small for a request header' : size > maxFrameBytes ? 'size exceeds maxRequestBytes' : null;
      if (reason) {
        this.failed = { kind: 'invalid', size, reason };
        this.clear();
        return this.failed;
      }
      this.pendingSize = size;
    }
    if (this.length < this.pendingSize) return INCOMPLETE;
    const frame = this.take(this.pendingSize);
    this.pendingSize = -1;
    return { kind: 'frame', frame };
  }

  /** Drops everything buffered (used when a connection stops reading for good). */
  clear(): void {
    this.chunks = [];
    this.headOffset = 0;
    this.length = 0;
    this.pendingSize = -1;
  }

  private readInt32(): number {
    const head = this.chunks[0]!;
    if (head.length - this.headOffset >= 4) {
      const v = head.readInt32BE(this.headOffset);
      this.skip(4);
      return v;
    }
    return this.take(4).readInt32BE(0);
  }

  /** Removes `n` bytes (n <= length) and returns them, as a view when they lie in one chunk. */
  private take(n: number): Buffer {
    const head = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (head && head.length - this.headOffset >= n) {
      const view = head.subarray(this.headOffset, this.headOffset + n);
      this.skip(n);
      return view;
    }
    // Spans chunks: copy into an unpooled buffer so the frame does not pin the shared pool slab.
    const out = Buffer.allocUnsafeSlow(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0]!;
      const available = chunk.length - this.headOffset;
      const count = Math.min(available, n - written);
      chunk.copy(out, written, this.headOffset, this.headOffset + count);
      written += count;
      this.skip(count);
    }
    return out;
  }

  private skip(n: number): void {
    this.length -= n;
    this.headOffset += n;
    while (this.chunks.length > 0 && this.headOffset >= this.chunks[0]!.length) {
      this.headOffset -= this.chunks[0]!.length;
      this.chunks.shift();
    }
  }
}
