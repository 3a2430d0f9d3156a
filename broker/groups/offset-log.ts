/**
 * Where the coordinator persists committed offsets and group metadata: a keyed log replayed at
 * start (last write per key wins; a null value is a tombstone). `LogStoreOffsetLog` keeps it in
 * the internal topic `__consumer_offsets` in Kafka's record format; `MemoryOffsetLog` is for tests.
 */
import { encodeBatch } from '../records/encoder.js';
import { decodeBatches } from '../records/decoder.js';
import type { LogStore, TopicConfig } from '../storage/types.js';
import { CONSUMER_OFFSETS_TOPIC, groupOfKey, partitionForGroup } from './offsets-format.js';

export interface OffsetLogRecord {
  key: Buffer;
  value: Buffer | null;
}

export interface OffsetLog {
  /** Resolves once the records are durable; records of one call are applied together. */
  append(records: OffsetLogRecord[]): Promise<void>;
  /** Every record ever appended (or still retained), oldest first. */
  readAll(): AsyncIterable<OffsetLogRecord>;
}

export class MemoryOffsetLog implements OffsetLog {
  readonly records: OffsetLogRecord[] = [];
  /** Set to make the next appends fail (tests of write failures). */
  failAppends: Error | undefined;

  async append(records: OffsetLogRecord[]): Promise<void> {
    if (this.failAppends) throw this.failAppends;
    for (const r of records) this.records.push({ key: Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value) });
  }

  async *readAll(): AsyncIterable<OffsetLogRecord> {
    for (const r of [...this.records]) yield r;
  }
}

export interface LogStoreOffsetLogOptions {
  topic?: string;
  /** Used when the topic has to be created; an existing topic keeps its own count. Default 1. */
  partitions?: number;
  /** Bytes per read while replaying. */
  readChunkBytes?: number;
}

/**
 * `__consumer_offsets` in a LogStore. The partition of a record follows Kafka's rule for its
 * group (abs(javaHashCode(groupId)) % partitions), so all records of a group stay in order in one
 * partition. Retention is disabled on the topic: the store has no compaction yet, and deleting
 * old segments would lose committed offsets.
 */
export class LogStoreOffsetLog implements OffsetLog {
  readonly topic: string;
  private readonly wantedPartitions: number;
  private readonly readChunkBytes: number;
  private ready: Promise<number> | undefined;

  constructor(private readonly store: LogStore, options: LogStoreOffsetLogOptions = {}) {
    this.topic = options.topic ?? CONSUMER_OFFSETS_TOPIC;
    this.wantedPartitions = options.partitions ?? 1;
    this.readChunkBytes = options.readChunkBytes ?? 1 << 20;
  }

  static readonly TOPIC_CONFIG: Partial<TopicConfig> = { retentionMs: -1, retentionBytes: -1, timestampType: 'CreateTime' };

  /** Creates the topic when missing; resolves with its partition count. */
  ensureTopic(): Promise<number> {
    this.ready ??= (async () => {
      const existing = this.store.getTopic(this.topic);
      if (existing) return existing.partitions;
      const info = await this.store.createTopic(this.topic, this.wantedPartitions, LogStoreOffsetLog.TOPIC_CONFIG);
      return info.partitions;
    })();
    this.ready.catch(() => {
      this.ready = undefined;
    });
    return this.ready;
  }

  async append(records: OffsetLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    const partitions = await this.ensureTopic();
    const byPartition = new Map<number, OffsetLogRecord[]>();
    for (const r of records) {
      const p = partitionForGroup(groupOfKey(r.key) ?? '', partitions);
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push(r);
    }
    const now = Date.now();
    await Promise.all(
      [...byPartition].map(async ([p, list]) => {
        const batch = await encodeBatch(list.map((r) => ({ key: r.key, value: r.value, timestamp: now })));
        await this.store.append(this.topic, p, batch);
      }),
    );
  }

  async *readAll(): AsyncIterable<OffsetLogRecord> {
    const partitions = await this.ensureTopic();
    for (let p = 0; p < partitions; p++) {
      let { logStartOffset: from, logEndOffset: end } = this.store.offsets(this.topic, p);
      while (from < end) {
        const read = await this.store.read(this.topic, p, from, this.readChunkBytes);
        end = read.highWatermark;
        if (read.bytes.length === 0) break;
        const batches = await decodeBatches(read.bytes);
        if (batches.length === 0) break;
        for (const batch of batches) {
          for (const rec of batch.records) {
            if (rec.offset < from || rec.key === null) continue;
            yield { key: Buffer.from(rec.key), value: rec.value === null ? null : Buffer.from(rec.value) };
          }
          from = Math.max(from, batch.header.baseOffset + batch.header.lastOffsetDelta + 1);
        }
      }
    }
  }
}
