import { randomUUID } from 'node:crypto';
import { access, mkdir, unlink } from 'node:fs/promises';
import { ensureDir } from '../ensure-dir.js';
import { join } from 'node:path';
import { SluiceError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { observeAppend } from '../metrics/storage.js';
import { FileCache, defaultMaxOpenSegmentFiles } from './file-cache.js';
import { fsyncDir, isNotFound, removeQuietly, writeMarker } from './fs-util.js';
import { createPartition, openPartition, type OpenMode } from './partition-open.js';
import type { PartitionContext, PartitionLog } from './partition-log.js';
import { DEFAULT_TOPIC_CONFIG, mergeConfig, validateTopicName } from './topic-config.js';
import { loadTopics, partitionDir, purgeDeleted, removeTopicFiles, saveTopic, topicDir, topicsDir } from './topic-metadata.js';
import type { TimestampHit } from './timestamp-lookup.js';
import type {
  AppendOptions,
  AppendResult,
  BeforeRetentionDelete,
  FlushPolicy,
  LogStore,
  PartitionOffsets,
  PartitionState,
  ReadResult,
  StoreStats,
  TopicConfig,
  TopicInfo,
} from './types.js';

export interface FileLogStoreOptions {
  dataDir: string;
  /** Default for topics without their own flushPolicy; 'sync' unless said otherwise. */
  flushPolicy?: FlushPolicy;
  flushIntervalMs?: number;
  topicDefaults?: Partial<TopicConfig>;
  /** How often retention runs while open; 0 disables the timer (enforceRetention still works). */
  retentionCheckIntervalMs?: number;
  /** Cap on segment log files held open at once (least recently used closed first); default a
   * quarter of the process descriptor limit, at most 2,000 (file-cache.ts). */
  maxOpenSegmentFiles?: number;
  logger?: Logger;
}

/** Written by close() and removed by open(): its absence at open means the last run crashed. */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';
export const MAX_PARTITIONS_PER_TOPIC = 10_000;
/** Partitions closed at once: each close writes two index files, so 10,000 partitions closed
 * together would open 20,000 files. */
const CLOSE_CONCURRENCY = 64;

type StoreState = 'new' | 'opening' | 'open' | 'closing' | 'closed';

interface TopicEntry {
  /** Replaced on every change; partitions read the config through this entry. */
  info: TopicInfo;
  partitions: PartitionLog[];
}

export class FileLogStore implements LogStore {
  readonly dataDir: string;
  private state: StoreState = 'new';
  private readonly topics = new Map<string, TopicEntry>();
  private readonly counters = { fsyncs: 0, appends: 0 };
  private readonly files: FileCache;
  private readonly appendListeners = new Set<(topic: string, partition: number) => void>();
  private readonly topicDefaults: TopicConfig;
  private readonly flushPolicy: FlushPolicy;
  private readonly flushIntervalMs: number;
  private readonly retentionCheckIntervalMs: number;
  private readonly logger: Logger;
  /** Topic create/delete/alter run one at a time; appends and reads never wait on it. */
  private adminChain: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | undefined;
  private beforeRetentionDelete: BeforeRetentionDelete | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: FileLogStoreOptions) {
    this.dataDir = options.dataDir;
    this.flushPolicy = options.flushPolicy ?? 'sync';
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.retentionCheckIntervalMs = options.retentionCheckIntervalMs ?? 60_000;
    this.logger = options.logger ?? createLogger('storage');
    this.files = new FileCache(options.maxOpenSegmentFiles ?? defaultMaxOpenSegmentFiles(), this.counters);
    this.topicDefaults = mergeConfig({ ...DEFAULT_TOPIC_CONFIG }, options.topicDefaults ?? {});
    mergeConfig(this.topicDefaults, { flushPolicy: this.flushPolicy, flushIntervalMs: this.flushIntervalMs });
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new SluiceError('STORE_CLOSED', `store is ${this.state}; open() runs once`);
    this.state = 'opening';
    const fresh = !(await exists(topicsDir(this.dataDir)));
    await ensureDir(topicsDir(this.dataDir));
    const marker = join(this.dataDir, CLEAN_SHUTDOWN_FILE);
    const hasMarker = await exists(marker);
    const mode: OpenMode = hasMarker || fresh ? 'clean' : 'unclean';
    if (mode === 'unclean') this.logger.info('no clean-shutdown marker: recovering the last segment of every partition', { dataDir: this.dataDir });
    await purgeDeleted(this.dataDir);
    try {
      for (const info of await loadTopics(this.dataDir, this.logger)) {
        const entry: TopicEntry = { info, partitions: [] };
        this.topics.set(info.name, entry);
        for (let p = 0; p < info.partitions; p++) entry.partitions.push(await openPartition(this.partitionContext(entry, p), mode));
      }
    } catch (err) {
      await closePartitions([...this.topics.values()].flatMap((e) => e.partitions));
      this.topics.clear();
      this.state = 'closed';
      throw err;
    }
    // From here on a crash must be detected, so the marker goes before any append is accepted.
    if (hasMarker) {
      await unlink(marker);
      await fsyncDir(this.dataDir);
    }
    if (this.retentionCheckIntervalMs > 0) {
      this.retentionTimer = setInterval(() => void this.runRetentionTimer(), this.retentionCheckIntervalMs);
      this.retentionTimer.unref();
    }
    this.state = 'open';
  }

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  async createTopic(name: string, partitions: number, config: Partial<TopicConfig> = {}): Promise<TopicInfo> {
    validateTopicName(name);
    validatePartitionCount(partitions);
    const merged = mergeConfig(this.topicDefaults, config);
    return this.admin(async () => {
      if (this.topics.has(name)) throw new SluiceError('TOPIC_EXISTS', `topic ${name} already exists`);
      const dir = topicDir(this.dataDir, name);
      try {
        await mkdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new SluiceError('TOPIC_EXISTS', `topic directory ${dir} already exists`);
        throw err;
      }
      const entry: TopicEntry = { info: { name, id: randomUUID(), partitions, config: merged, createdAt: Date.now() }, partitions: [] };
      try {
        for (let p = 0; p < partitions; p++) entry.partitions.push(await createPartition(this.partitionContext(entry, p)));
        await fsyncDir(dir);
        await fsyncDir(topicsDir(this.dataDir));
        await saveTopic(this.dataDir, entry.info);
      } catch (err) {
        await closePartitions(entry.partitions);
        await removeQuietly(dir);
        throw err;
      }
      this.topics.set(name, entry);
      return copyInfo(entry.info);
    });
  }

  async deleteTopic(name: string): Promise<void> {
    return this.admin(async () => {
      const entry = this.topicEntry(name);
      this.topics.delete(name);
      await closePartitions(entry.partitions);
      await removeTopicFiles(this.dataDir, entry.info);
      this.logger.info('deleted topic', { topic: name, id: entry.info.id });
    });
  }

  async createPartitions(name: string, totalPartitions: number): Promise<TopicInfo> {
    validatePartitionCount(totalPartitions);
    return this.admin(async () => {
      const entry = this.topicEntry(name);
      const current = entry.info.partitions;
      if (totalPartitions < current) {
        throw new SluiceError('INVALID_CONFIG', `topic ${name} has ${current} partitions; partitions can only be added, not removed`);
      }
      const added: PartitionLog[] = [];
      for (let p = current; p < totalPartitions; p++) {
        // openPartition, not createPartition: a crash after mkdir but before topic.json was
        // rewritten leaves an (empty) directory to adopt.
        added.push(await openPartition(this.partitionContext(entry, p), 'unclean'));
      }
      await fsyncDir(topicDir(this.dataDir, name));
      const info = { ...entry.info, partitions: totalPartitions };
      await saveTopic(this.dataDir, info);
      entry.partitions.push(...added);
      entry.info = info;
      return copyInfo(info);
    });
  }

  async alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicInfo> {
    return this.admin(async () => {
      const entry = this.topicEntry(name);
      const info = { ...entry.info, config: mergeConfig(entry.info.config, changes) };
      await saveTopic(this.dataDir, info);
      entry.info = info;
      return copyInfo(info);
    });
  }

  listTopics(): TopicInfo[] {
    return [...this.topics.values()].map((e) => copyInfo(e.info));
  }

  getTopic(name: string): TopicInfo | undefined {
    const entry = this.topics.get(name);
    return entry && copyInfo(entry.info);
  }

  append(topic: string, partition: number, batch: Buffer, options?: AppendOptions): Promise<AppendResult> {
    let appended: Promise<AppendResult>;
    try {
      appended = observeAppend(performance.now(), this.partition(topic, partition).append(batch, options?.now ?? Date.now()));
    } catch (err) {
      return Promise.reject(err);
    }
    // No extra promise on the hot path unless someone listens.
    if (this.appendListeners.size === 0) return appended;
    return appended.then((result) => {
      for (const listener of this.appendListeners) listener(topic, partition);
      return result;
    });
  }

  onAppend(listener: (topic: string, partition: number) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async read(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<ReadResult> {
    return this.partition(topic, partition).read(fromOffset, maxBytes);
  }

  async offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | undefined> {
    return (await this.partition(topic, partition).recordForTimestamp(timestamp))?.offset;
  }

  async recordForTimestamp(topic: string, partition: number, timestamp: number): Promise<TimestampHit | undefined> {
    return this.partition(topic, partition).recordForTimestamp(timestamp);
  }

  offsets(topic: string, partition: number): PartitionOffsets {
    return this.partition(topic, partition).offsets();
  }

  nextOffset(topic: string, partition: number): number {
    return this.partition(topic, partition).nextAppendOffset();
  }

  async deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<PartitionOffsets> {
    return this.partition(topic, partition).deleteRecords(beforeOffset);
  }

  async enforceRetention(now: number = Date.now()): Promise<void> {
    this.assertOpen();
    for (const entry of this.topics.values()) {
      for (const p of entry.partitions) {
        try {
          await p.applyRetention(now);
        } catch (err) {
          this.logger.error('retention failed', { topic: entry.info.name, error: (err as Error).message });
        }
      }
    }
  }

  setBeforeRetentionDelete(hook: BeforeRetentionDelete | undefined): void {
    this.beforeRetentionDelete = hook;
  }

  partitionState(topic: string, partition: number): PartitionState {
    return this.partition(topic, partition, true).state();
  }

  defaults(): { config: TopicConfig; flushPolicy: FlushPolicy; flushIntervalMs: number } {
    return { config: { ...this.topicDefaults }, flushPolicy: this.flushPolicy, flushIntervalMs: this.flushIntervalMs };
  }

  stats(): StoreStats {
    let partitions = 0;
    let bytesOnDisk = 0;
    for (const entry of this.topics.values()) {
      partitions += entry.partitions.length;
      for (const p of entry.partitions) bytesOnDisk += p.bytesOnDisk;
    }
    return {
      topics: this.topics.size,
      partitions,
      bytesOnDisk,
      fsyncs: this.counters.fsyncs,
      appends: this.counters.appends,
      openSegmentFiles: this.files.openFiles,
      openSegmentFilesLimit: this.files.limit,
    };
  }

  private async doClose(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.adminChain;
    const partitions = [...this.topics.values()].flatMap((e) => e.partitions);
    // Read before close(): closing moves a failed partition to `closed` and forgets the failure.
    const healthy = partitions.every((p) => p.healthy);
    await closePartitions(partitions);
    if (healthy) await this.markCleanShutdown();
    else this.logger.warn('a partition failed on the write path; not marking the shutdown clean so the next open rescans', {});
    this.state = 'closed';
  }

  /** Best effort: without the marker the next open only rescans, so a full disk here must not
   * turn an orderly close into a failure. */
  private async markCleanShutdown(): Promise<void> {
    try {
      await writeMarker(this.dataDir, CLEAN_SHUTDOWN_FILE);
    } catch (err) {
      this.logger.warn('could not write the clean-shutdown marker; the next open will rescan', { error: (err as Error).message });
    }
  }

  private async runRetentionTimer(): Promise<void> {
    if (this.state !== 'open') return;
    try {
      await this.enforceRetention();
    } catch (err) {
      this.logger.error('retention run failed', { error: (err as Error).message });
    }
  }

  private admin<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.adminChain.then(() => {
      this.assertOpen();
      return fn();
    });
    this.adminChain = run.catch(() => undefined);
    return run;
  }

  private partition(topic: string, partition: number, allowDamagedOrClosed = false): PartitionLog {
    if (!allowDamagedOrClosed) this.assertOpen();
    const entry = this.topicEntry(topic);
    const log = entry.partitions[partition];
    if (!log) {
      throw new SluiceError('UNKNOWN_PARTITION', `topic ${topic} has no partition ${partition} (it has ${entry.partitions.length})`, {
        topic,
        partition,
      });
    }
    return log;
  }

  private topicEntry(name: string): TopicEntry {
    const entry = this.topics.get(name);
    if (!entry) throw new SluiceError('UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(name)}`, { topic: name });
    return entry;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new SluiceError('STORE_CLOSED', `store is ${this.state}`);
  }

  private partitionContext(entry: TopicEntry, partition: number): PartitionContext {
    return {
      topic: entry.info.name,
      partition,
      dir: partitionDir(this.dataDir, entry.info.name, partition),
      config: () => entry.info.config,
      defaultFlushPolicy: this.flushPolicy,
      defaultFlushIntervalMs: this.flushIntervalMs,
      logger: this.logger,
      counters: this.counters,
      files: this.files,
      beforeRetentionDelete: () => this.beforeRetentionDelete,
    };
  }
}

async function closePartitions(partitions: PartitionLog[]): Promise<void> {
  for (let i = 0; i < partitions.length; i += CLOSE_CONCURRENCY) {
    await Promise.all(partitions.slice(i, i + CLOSE_CONCURRENCY).map((p) => p.close()));
  }
}

function validatePartitionCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS_PER_TOPIC) {
    throw new SluiceError('INVALID_CONFIG', `partition count must be an integer in [1, ${MAX_PARTITIONS_PER_TOPIC}] (got ${n})`);
  }
}

function copyInfo(info: TopicInfo): TopicInfo {
  return { ...info, config: { ...info.config } };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
