/**
 * Gauges computed when Prometheus scrapes, from the store and the group coordinator: sizes and
 * lag change with every append, and keeping them current on the hot path would cost every
 * Produce a few map lookups for a number read once every 15 s or so.
 */
import { Gauge, type Registry } from 'prom-client';
import type { StoreStats } from '../storage/types.js';
import type { MetricsSource } from './source.js';

export function registerScrapeGauges(registry: Registry, source: () => MetricsSource | undefined): void {
  const registers = [registry];
  /** An unlabelled gauge showing one field of the store's stats (absent without a broker). */
  const statsGauge = (name: string, help: string, field: keyof StoreStats) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const stats = safe(() => source()?.store.stats());
        if (stats) this.set(stats[field]);
      },
    });
  new Gauge({
    name: 'sluice_broker_up',
    help: '1 when a running broker backs the scrape-time gauges; 0 (and those gauges 0 or absent) otherwise.',
    registers,
    collect() {
      const store = source()?.store;
      this.set(store && safe(() => store.stats()) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'sluice_broker_topics',
    help: 'Topics in the built-in broker (internal ones included).',
    registers,
    collect() {
      this.reset();
      const topics = safe(() => source()?.store.listTopics());
      if (topics) this.set(topics.length);
    },
  });
  statsGauge('sluice_broker_partitions', 'Partitions in the built-in broker (internal topics included).', 'partitions');
  statsGauge('sluice_storage_size_bytes', 'Bytes of log segments and indexes on disk, all topics.', 'bytesOnDisk');
  statsGauge('sluice_storage_open_segment_files', 'Segment log files holding a file descriptor now; at most sluice_storage_open_segment_files_limit (least recently used closed first).', 'openSegmentFiles');
  statsGauge('sluice_storage_open_segment_files_limit', 'The most segment log files open at once: SLUICE_MAX_OPEN_FILES, else a quarter of the process descriptor limit (at most 2000).', 'openSegmentFilesLimit');
  new Gauge({
    name: 'sluice_storage_topic_size_bytes',
    help: 'Bytes of log segments on disk, per topic.',
    labelNames: ['topic'],
    registers,
    collect() {
      this.reset();
      const store = source()?.store;
      for (const topic of safe(() => store?.listTopics()) ?? []) {
        let bytes = 0;
        for (let p = 0; p < topic.partitions; p++) bytes += safe(() => store!.partitionState(topic.name, p).sizeBytes) ?? 0;
        this.set({ topic: topic.name }, bytes);
      }
    },
  });
  new Gauge({
    name: 'sluice_consumer_group_lag',
    help: 'Records between a consumer group\'s committed offsets and the log end, per group and topic (partitions with a commit).',
    labelNames: ['group', 'topic'],
    registers,
    collect() {
      this.reset();
      const current = source();
      if (!current?.groups) return;
      for (const [group, byTopic] of groupLag(current)) for (const [topic, lag] of byTopic) this.set({ group, topic }, lag);
    },
  });
}

/** Lag per group and topic: the sum over committed partitions of max(0, end offset − committed). */
export function groupLag(source: MetricsSource): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const listed = safe(() => source.groups?.listGroups());
  if (!listed || listed.errorCode !== 0) return out;
  for (const { groupId } of listed.groups) {
    const fetched = safe(() => source.groups!.fetchOffsets({ groupId, topics: null }));
    if (!fetched || fetched.errorCode !== 0) continue;
    const byTopic = new Map<string, number>();
    for (const t of fetched.topics) {
      let lag = 0;
      let any = false;
      for (const p of t.partitions) {
        if (p.committedOffset < 0) continue;
        // A topic deleted (or shrunk) since the commit has no end offset: no lag to report.
        const end = safe(() => source.store.offsets(t.name, p.partitionIndex).logEndOffset);
        if (end === undefined) continue;
        lag += Math.max(0, end - p.committedOffset);
        any = true;
      }
      if (any) byTopic.set(t.name, lag);
    }
    if (byTopic.size > 0) out.set(groupId, byTopic);
  }
  return out;
}

/** Drops the traffic totals of topics the store no longer has, so their series end. */
export function pruneDeletedTopics(source: MetricsSource, traffic: Map<string, unknown>): void {
  const topics = safe(() => source.store.listTopics());
  if (!topics) return;
  const live = new Set(topics.map((t) => t.name));
  for (const topic of traffic.keys()) if (!live.has(topic)) traffic.delete(topic);
}

/** A scrape must never fail because the store is closing or a partition is damaged: that
 * reading is left out and the rest is served. */
function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
