/**
 * The storage contract the rest of the broker programs against. The file-backed implementation
 * lives beside this file; handlers (Kafka, queues, control) only ever see `LogStore`.
 *
 * Offsets and timestamps are JS numbers, not bigint: 2^53 offsets is more than any single node
 * will write, and number arithmetic keeps the hot path free of bigint allocations. Codecs convert
 * at the wire boundary.
 */

/** `sync`: an append resolves only after fdatasync (group commit shares one fsync among all
 * appends that arrived while the previous one ran). `interval`: resolves once written to the OS;
 * fdatasync runs every `flushIntervalMs`, so a machine crash (not a process crash) can lose the
 * last interval of acknowledged appends. */
export type FlushPolicy = 'sync' | 'interval';

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface TopicConfig {
  /** Whole-segment retention by age of the newest batch in a segment; -1 keeps forever. */
  retentionMs: number;
  /** Whole-segment retention by partition size; -1 keeps any size. */
  retentionBytes: number;
  /** Roll the active segment when it reaches this size. */
  segmentBytes: number;
  /** Roll the active segment when its first batch is older than this. */
  segmentMs: number;
  /** Omitted means the broker default. */
  flushPolicy?: FlushPolicy;
  /** Only for `interval`; omitted means the broker default. */
  flushIntervalMs?: number;
  /** Largest accepted batch, bytes (Kafka's max.message.bytes). */
  maxMessageBytes: number;
  timestampType: TimestampType;
  /** Bytes between entries of the sparse offset/time indexes (Kafka's index.interval.bytes). */
  indexIntervalBytes: number;
}

export interface TopicInfo {
  name: string;
  /** Stable id, generated at creation (Kafka topic ids are UUIDs). */
  id: string;
  partitions: number;
  config: TopicConfig;
  createdAt: number;
}

export interface PartitionOffsets {
  /** First offset still readable (after retention / DeleteRecords). */
  logStartOffset: number;
  /** Offset the next append will get. On a single node this is also the high watermark. */
  logEndOffset: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** Broker time written into the batch for LogAppendTime topics, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

export interface ReadResult {
  /** Whole record batches, verbatim from the log, starting with the batch that contains
   * `fromOffset`. Empty when `fromOffset` equals the log end. At least one whole batch is
   * returned when one exists, even if it is larger than `maxBytes`. */
  bytes: Buffer;
  logStartOffset: number;
  highWatermark: number;
}

export interface PartitionState {
  topic: string;
  partition: number;
  offsets: PartitionOffsets;
  segments: number;
  sizeBytes: number;
  /** Set when recovery found damage it refused to repair silently (see CORRUPT_LOG). */
  damage?: { segment: string; position: number; reason: string };
}

export interface StoreStats {
  topics: number;
  partitions: number;
  bytesOnDisk: number;
  fsyncs: number;
  appends: number;
  /** Segment log files holding a descriptor now (opened on use, least recently used closed first). */
  openSegmentFiles: number;
  /** The most that may be open at once (SLUICE_MAX_OPEN_FILES, or a quarter of the descriptor limit). */
  openSegmentFilesLimit: number;
}

/** Called by retention (retention.ms / retention.bytes, not DeleteRecords) before it deletes the
 * records [fromOffset, toOffset) of a partition; the segments go only after it resolves, and stay
 * (until the next round) when it throws. The queue layer archives unsettled messages with it. */
export type BeforeRetentionDelete = (topic: string, partition: number, fromOffset: number, toOffset: number) => Promise<void>;

export interface AppendOptions {
  /** Override the clock (tests). */
  now?: number;
}

export interface LogStore {
  readonly dataDir: string;
  /** Loads topic metadata and recovers every partition (see recovery.ts). */
  open(): Promise<void>;
  /** Waits for in-flight appends, flushes, closes files, writes the clean-shutdown marker. */
  close(): Promise<void>;

  createTopic(name: string, partitions: number, config?: Partial<TopicConfig>): Promise<TopicInfo>;
  deleteTopic(name: string): Promise<void>;
  /** Grows a topic to `totalPartitions` (never shrinks). */
  createPartitions(name: string, totalPartitions: number): Promise<TopicInfo>;
  alterTopicConfig(name: string, changes: Partial<TopicConfig>): Promise<TopicInfo>;
  listTopics(): TopicInfo[];
  getTopic(name: string): TopicInfo | undefined;

  /** Validates one record batch v2 (length, magic 2, CRC-32C, record count, size), assigns
   * offsets by rewriting baseOffset, appends it. Resolves when durable per the flush policy. */
  append(topic: string, partition: number, batch: Buffer, options?: AppendOptions): Promise<AppendResult>;
  read(topic: string, partition: number, fromOffset: number, maxBytes: number): Promise<ReadResult>;
  /** Offset of the first record (at or after the log start) whose timestamp >= timestamp, or
   * undefined when none: ListOffsets by time. */
  offsetForTimestamp(topic: string, partition: number, timestamp: number): Promise<number | undefined>;
  /** The same lookup, with the found record's own timestamp (what ListOffsets v1+ answers). */
  recordForTimestamp(topic: string, partition: number, timestamp: number): Promise<{ offset: number; timestamp: number } | undefined>;
  offsets(topic: string, partition: number): PartitionOffsets;
  /**
   * The offset the next append will get: past `logEndOffset` (the high watermark) by every append
   * accepted and not yet durable. Lets a caller reserve room for appends in flight.
   */
  nextOffset(topic: string, partition: number): number;
  /** Advances the log start offset (Kafka DeleteRecords); whole segments below it are removed. */
  deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<PartitionOffsets>;
  /** Applies retention to every partition now (also runs on a timer while open). */
  enforceRetention(now?: number): Promise<void>;
  /** Installs (or with undefined removes) the one hook retention awaits before deleting records. */
  setBeforeRetentionDelete(hook: BeforeRetentionDelete | undefined): void;

  partitionState(topic: string, partition: number): PartitionState;
  /** Calls `listener` after every acknowledged append, whoever made it (Kafka Produce, HTTP,
   * internal topics), so readers waiting at the log end wake up. Returns the unsubscribe. */
  onAppend(listener: (topic: string, partition: number) => void): () => void;
  /** What a topic gets for every setting it does not set itself (flush policy included). */
  defaults(): { config: TopicConfig; flushPolicy: FlushPolicy; flushIntervalMs: number };
  stats(): StoreStats;
}
