/**
 * Reads one partition forward in chunks of whole batches, decoded (every codec) into records.
 * Only [start, end) is returned: `end` is the high watermark when the read began, so a read is
 * bounded even while producers keep appending. Control batches (transaction markers) are skipped.
 */
import { decodeBatches } from '../../../records/decoder.js';
import type { CompressionCodec } from '../../../records/batch-header.js';
import type { LogStore } from '../../../storage/types.js';

export interface LogRecord {
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  compression: CompressionCodec;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export const DEFAULT_CHUNK_BYTES = 512 * 1024;

export class PartitionReader {
  /** Next offset to read. */
  position: number;
  /** Bytes of batches read from the log so far. */
  bytesRead = 0;

  constructor(
    private readonly store: LogStore,
    readonly topic: string,
    readonly partition: number,
    start: number,
    readonly end: number,
  ) {
    this.position = Math.min(start, end);
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  /** The records of the next chunk (possibly none, e.g. a chunk of control batches); [] once done. */
  async next(chunkBytes = DEFAULT_CHUNK_BYTES): Promise<LogRecord[]> {
    if (this.done) return [];
    const read = await this.store.read(this.topic, this.partition, this.position, Math.max(1, chunkBytes));
    if (read.bytes.length === 0) {
      this.position = this.end;
      return [];
    }
    this.bytesRead += read.bytes.length;
    const batches = await decodeBatches(read.bytes);
    const out: LogRecord[] = [];
    let after = this.position;
    for (const { header, records } of batches) {
      after = Math.max(after, header.baseOffset + header.lastOffsetDelta + 1);
      if (header.isControl) continue;
      for (const r of records) {
        if (r.offset < this.position || r.offset >= this.end) continue;
        out.push({
          partition: this.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: header.timestampType,
          compression: header.compression,
          key: r.key,
          value: r.value,
          headers: r.headers,
        });
      }
    }
    // The store returns at least the batch holding `position`, so `after` moves forward; if it
    // ever did not (a damaged read), end the read rather than loop on the same bytes.
    this.position = after > this.position ? Math.min(this.end, after) : this.end;
    return out;
  }
}
