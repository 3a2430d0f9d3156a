/**
 * Sparse map timestamp → relative offset for one segment (Kafka's `.timeindex`). Entries are
 * added at the same points as offset-index entries; each holds the largest batch maxTimestamp
 * seen so far in the segment up to and including the batch at that offset. Storing the running
 * maximum keeps the column non-decreasing even when producers send timestamps out of order, so a
 * binary search is valid: if an entry's maximum is below the target, no batch up to that entry can
 * match, and the answer lies after it (within about one index interval, since the next entry's
 * maximum already reaches the target).
 *
 * File format: big-endian (int64 timestamp, int32 relativeOffset), as Kafka.
 */
const ENTRY_BYTES = 12;

export class TimeIndex {
  private timestamps: Float64Array;
  private offsets: Uint32Array;
  length = 0;

  constructor(capacity = 16) {
    this.timestamps = new Float64Array(capacity);
    this.offsets = new Uint32Array(capacity);
  }

  append(maxTimestampSoFar: number, relativeOffset: number): void {
    if (this.length === this.offsets.length) this.grow();
    this.timestamps[this.length] = maxTimestampSoFar;
    this.offsets[this.length] = relativeOffset;
    this.length++;
  }

  /** Index of the last entry whose timestamp is < timestamp, or -1. */
  lastBelow(timestamp: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  timestampAt(i: number): number {
    return this.timestamps[i]!;
  }

  offsetAt(i: number): number {
    return this.offsets[i]!;
  }

  get sizeInBytes(): number {
    return this.length * ENTRY_BYTES;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.length * ENTRY_BYTES);
    for (let i = 0; i < this.length; i++) {
      buf.writeBigInt64BE(BigInt(this.timestamps[i]!), i * ENTRY_BYTES);
      buf.writeUInt32BE(this.offsets[i]!, i * ENTRY_BYTES + 8);
    }
    return buf;
  }

  static fromBuffer(buf: Buffer): TimeIndex | string {
    if (buf.length % ENTRY_BYTES !== 0) return `size ${buf.length} is not a multiple of ${ENTRY_BYTES}`;
    const count = buf.length / ENTRY_BYTES;
    const index = new TimeIndex(Math.max(count, 16));
    for (let i = 0; i < count; i++) {
      const timestamp = Number(buf.readBigInt64BE(i * ENTRY_BYTES));
      const offset = buf.readUInt32BE(i * ENTRY_BYTES + 8);
      if (i > 0 && (timestamp < index.timestamps[i - 1]! || offset < index.offsets[i - 1]!)) {
        return `entry ${i} is decreasing`;
      }
      index.append(timestamp, offset);
    }
    return index;
  }

  private grow(): void {
    const timestamps = new Float64Array(this.timestamps.length * 2);
    const offsets = new Uint32Array(this.offsets.length * 2);
    timestamps.set(this.timestamps);
    offsets.set(this.offsets);
    this.timestamps = timestamps;
    this.offsets = offsets;
  }
}
