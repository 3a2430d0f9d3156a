/**
 * ListOffsets v7+ MAX_TIMESTAMP (-3, KIP-734): the record with the largest timestamp in a
 * partition. The store indexes time for lookups by lower bound, not the maximum, so this walks
 * the batch headers of the whole partition (reading in chunks) and decodes only the winning
 * batch. Linear in the partition size: fine for the admin tools that ask it, not a hot path.
 */
import { readBatchHeader, BATCH } from '../../records/batch-header.js';
import { decodeBatch } from '../../records/decoder.js';
import type { LogStore } from '../../storage/types.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Offset and timestamp of the record with the largest timestamp (the earliest one on ties, as
 * Kafka keeps the first maximum), or undefined for an empty partition. With LogAppendTime every
 * record of a batch carries the batch's time, and Kafka answers the batch's first offset.
 */
export async function maxTimestampRecord(store: LogStore, topic: string, partition: number): Promise<{ offset: number; timestamp: number } | undefined> {
  const { logStartOffset, logEndOffset } = store.offsets(topic, partition);
  let best: { bytes: Buffer; maxTimestamp: number } | undefined;
  for (let from = logStartOffset; from < logEndOffset; ) {
    const { bytes } = await store.read(topic, partition, from, CHUNK_BYTES);
    if (bytes.length === 0) break;
    let pos = 0;
    while (bytes.length - pos >= BATCH.OVERHEAD) {
      const header = readBatchHeader(bytes, pos);
      if (header.sizeInBytes > bytes.length - pos) break;
      if (!header.isControl && (best === undefined || header.maxTimestamp > best.maxTimestamp)) {
        best = { bytes: Buffer.from(bytes.subarray(pos, pos + header.sizeInBytes)), maxTimestamp: header.maxTimestamp };
      }
      from = header.baseOffset + header.lastOffsetDelta + 1;
      pos += header.sizeInBytes;
    }
    if (pos === 0) break; // not even one whole batch came back: nothing more to walk
  }
  if (!best) return undefined;
  const batch = await decodeBatch(best.bytes);
  if (batch.header.timestampType === 'LogAppendTime') return { offset: batch.header.baseOffset, timestamp: best.maxTimestamp };
  const record = batch.records.find((r) => r.timestamp === best.maxTimestamp) ?? batch.records[0];
  return record ? { offset: Math.max(record.offset, logStartOffset), timestamp: best.maxTimestamp } : undefined;
}
