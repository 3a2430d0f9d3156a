/**
 * The one Prometheus registry of the process, and every metric in it.
 *
 * It lives on `globalThis` under a `Symbol.for` key, like the broker itself (runtime.ts): Next.js
 * evaluates modules more than once (the instrumentation bundle that runs the broker and the route
 * bundle that serves /metrics get their own copies), and each copy must count into the same
 * objects, or /metrics would show a registry nobody increments.
 *
 * Traffic counters are plain numbers in `topics`, `apis` and `kafka`, bumped by the message path
 * (traffic.ts, kafka.ts) and copied into prom-client counters only when scraped: prom-client's
 * `inc` hashes and validates the label set on every call, even through a cached `labels()` child
 * (~2 µs measured here), which is too much to pay per batch.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerScrapeGauges } from './scrape.js';
import type { MetricsSource } from './source.js';

/** Seconds. fsync on SSDs is ~0.1-2 ms and on busy disks or VMs tens of ms: finer at the low end. */
const FSYNC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds. An append under `sync` waits for its group's fsync, so it starts where fsync starts. */
const APPEND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Running totals of one topic since the process started (or the topic was first seen). */
export interface TopicTraffic {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

/** Running totals of one Kafka API, with its labels. */
export interface ApiTraffic {
  readonly labels: { api_key: string; api: string };
  requests: number;
  errors: number;
}

export interface SluiceMetrics {
  readonly registry: Registry;
  readonly fsyncSeconds: Histogram;
  readonly appendSeconds: Histogram;
  /** Per topic; entries of deleted topics are dropped at scrape time (render.ts). */
  readonly topics: Map<string, TopicTraffic>;
  /** Per Kafka API key (unknown keys share one entry, see kafka.ts). */
  readonly apis: Map<number, ApiTraffic>;
  readonly kafka: { open: number; opened: number };
  /** What the scrape-time gauges read (scrape.ts); set by `renderMetrics`. */
  source: MetricsSource | undefined;
}

const SLOT_KEY = Symbol.for('sluice.metrics');

/** The process-wide metrics, created on first use. */
export function sluiceMetrics(): SluiceMetrics {
  const g = globalThis as typeof globalThis & { [SLOT_KEY]?: SluiceMetrics };
  return (g[SLOT_KEY] ??= createMetrics());
}

function createMetrics(): SluiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics: SluiceMetrics = {
    registry,
    fsyncSeconds: new Histogram({ name: 'sluice_storage_fsync_duration_seconds', help: 'fdatasync of a partition log (one per commit group).', buckets: FSYNC_BUCKETS, registers }),
    appendSeconds: new Histogram({
      name: 'sluice_storage_append_duration_seconds',
      help: 'Store append of one record batch, until durable per the flush policy.',
      buckets: APPEND_BUCKETS,
      registers,
    }),
    topics: new Map(),
    apis: new Map(),
    kafka: { open: 0, opened: 0 },
    source: undefined,
  };

  const perTopic = (name: string, help: string, field: keyof TopicTraffic) =>
    new Counter({
      name,
      help,
      labelNames: ['topic'],
      registers,
      collect() {
        this.reset();
        for (const [topic, traffic] of metrics.topics) this.inc({ topic }, traffic[field]);
      },
    });
  perTopic('sluice_broker_messages_in_total', 'Records appended by Kafka Produce, per topic.', 'messagesIn');
  perTopic('sluice_broker_bytes_in_total', 'Record batch bytes appended by Kafka Produce, per topic.', 'bytesIn');
  perTopic('sluice_broker_messages_out_total', 'Records served by Kafka Fetch responses, per topic.', 'messagesOut');
  perTopic('sluice_broker_bytes_out_total', 'Record batch bytes served by Kafka Fetch responses, per topic.', 'bytesOut');

  const perApi = (name: string, help: string, field: 'requests' | 'errors') =>
    new Counter({
      name,
      help,
      labelNames: ['api_key', 'api'],
      registers,
      collect() {
        this.reset();
        for (const api of metrics.apis.values()) this.inc(api.labels, api[field]);
      },
    });
  perApi('sluice_kafka_requests_total', 'Kafka requests received, per API.', 'requests');
  perApi('sluice_kafka_request_errors_total', 'Kafka requests whose handler failed (the connection was closed), per API.', 'errors');

  new Gauge({
    name: 'sluice_kafka_connections',
    help: 'Open Kafka protocol client connections.',
    registers,
    collect() {
      this.set(metrics.kafka.open);
    },
  });
  new Counter({
    name: 'sluice_kafka_connections_opened_total',
    help: 'Kafka protocol client connections accepted.',
    registers,
    collect() {
      this.reset();
      this.inc(metrics.kafka.opened);
    },
  });

  registerScrapeGauges(registry, () => metrics.source);
  return metrics;
}
