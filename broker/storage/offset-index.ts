/**
 * Sparse map relative offset → file position for one segment (Kafka's `.index`): an entry every
 * `indexIntervalBytes` of log, so a lookup narrows a read to a short header scan.
 *
 * The index lives in memory (8 bytes per entry, about 0.2% of the log at the default interval) and
 * is written to disk whole when its segment stops being active or the store closes. The append
 * path therefore never writes index files; after a crash the active segment's index is rebuilt by
 * the recovery scan anyway, and a missing or torn index file of any segment is detected and
 * rebuilt on open.
 *
 * File format: big-endian (int32 relativeOffset, int32 position) pairs, as Kafka.
 */
const ENTRY_BYTES = 8;

export class OffsetIndex {
  private offsets: Uint32Array;
  private positions: Uint32Array;
  length = 0;

  constructor(capacity = 16) {
    this.offsets = new Uint32Array(capacity);
    this.positions = new Uint32Array(capacity);
  }

  append(relativeOffset: number, position: number): void {
    if (this.length === this.offsets.length) this.grow();
    this.offsets[this.length] = relativeOffset;
    this.positions[this.length] = position;
    this.length++;
  }

  /** Index of the last entry whose offset is <= relativeOffset, or -1. */
  floor(relativeOffset: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets[mid]! <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  offsetAt(i: number): number {
    return this.offsets[i]!;
  }

  positionAt(i: number): number {
    return this.positions[i]!;
  }

  get sizeInBytes(): number {
    return this.length * ENTRY_BYTES;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.length * ENTRY_BYTES);
    for (let i = 0; i < this.length; i++) {
      buf.writeUInt32BE(this.offsets[i]!, i * ENTRY_BYTES);
      buf.writeUInt32BE(this.positions[i]!, i * ENTRY_BYTES + 4);
    }
    return buf;
  }

  /** Parses a file; returns a reason string when it cannot be a valid index (torn, garbage). */
  static fromBuffer(buf: Buffer, logSize: number): OffsetIndex | string {
    if (buf.length % ENTRY_BYTES !== 0) return `size ${buf.length} is not a multiple of ${ENTRY_BYTES}`;
    const count = buf.length / ENTRY_BYTES;
    const index = new OffsetIndex(Math.max(count, 16));
    for (let i = 0; i < count; i++) {
      const offset = buf.readUInt32BE(i * ENTRY_BYTES);
      const position = buf.readUInt32BE(i * ENTRY_BYTES + 4);
      if (position >= logSize) return `entry ${i} points at position ${position} beyond the log (${logSize} bytes)`;
      if (i > 0 && (offset <= index.offsets[i - 1]! || position <= index.positions[i - 1]!)) {
        return `entry ${i} is not increasing`;
      }
      index.append(offset, position);
    }
    return index;
  }

  private grow(): void {
    const offsets = new Uint32Array(this.offsets.length * 2);
    const positions = new Uint32Array(this.positions.length * 2);
    offsets.set(this.offsets);
    positions.set(this.positions);
    this.offsets = offsets;
    this.positions = positions;
  }
}
