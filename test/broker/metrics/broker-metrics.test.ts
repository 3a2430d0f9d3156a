/**
 * Broker metrics against a real broker: kafkajs produces and consumes through a KafkaServer on
 * port 0, and the counters, histograms and scrape-time gauges must move by exactly what the log
 * shows. Counters are process-wide, so every assertion is on a delta, on topics of its own.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMetrics } from '../../../broker/metrics/index.js';
import { startTestBroker, type TestBroker } from '../kafka/handlers/helpers.js';
import { fastConsumer, kafkaFor, waitFor } from '../kafka/groups/helpers.js';
import { parseExposition, sampleValue, type Sample } from './exposition.js';

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = kafkaFor(broker.port, 'sluice-metrics-test');
});
afterAll(async () => {
  await broker?.close();
});

const fresh = (what: string) => `metrics-${what}-${randomBytes(4).toString('hex')}`;

async function scrape(): Promise<Sample[]> {
  const { body, contentType } = await renderMetrics({ store: broker.store, groups: broker.server.groups });
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(body);
}

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) => sampleValue(samples, name, labels) ?? 0;

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((v, i) => ({ key: `k${i}`, value: v })) });
  } finally {
    await producer.disconnect();
  }
}

/** Bytes of every batch stored in partition 0: what was appended, verbatim. */
async function storedBytes(topic: string): Promise<number> {
  return (await broker.store.read(topic, 0, 0, 1 << 24)).bytes.length;
}

/** Consumes until `count` messages arrived, commits (kafkajs commits on disconnect), stops. */
async function consume(topic: string, groupId: string, count: number): Promise<void> {
  const consumer = fastConsumer(kafka, groupId);
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (seen += 1) });
    await waitFor(() => seen >= count, 30_000, `${count} messages`);
  } finally {
    await consumer.disconnect();
  }
  expect(seen).toBe(count);
}

describe('broker metrics', () => {
  it('counts records and bytes produced per topic, from the batch headers', async () => {
    const topic = fresh('produce');
    await broker.store.createTopic(topic, 1);
    const before = await scrape();
    await produce(topic, ['a', 'bb', 'ccc', 'dddd', 'eeeee']);
    const after = await scrape();
    const labels = { topic };
    expect(value(after, 'sluice_broker_messages_in_total', labels) - value(before, 'sluice_broker_messages_in_total', labels)).toBe(5);
    expect(value(after, 'sluice_broker_bytes_in_total', labels) - value(before, 'sluice_broker_bytes_in_total', labels)).toBe(await storedBytes(topic));
    expect(value(after, 'sluice_broker_messages_out_total', labels)).toBe(0);
    // Produce requests are counted per API key; at least the one send above.
    const produceRequests = { api_key: '0', api: 'Produce' };
    expect(value(after, 'sluice_kafka_requests_total', produceRequests)).toBeGreaterThan(value(before, 'sluice_kafka_requests_total', produceRequests));
    expect(value(after, 'sluice_kafka_connections_opened_total')).toBeGreaterThan(value(before, 'sluice_kafka_connections_opened_total'));
  });

  it('counts records and bytes served by Fetch, and the group lag is end offset minus committed', async () => {
    const topic = fresh('fetch');
    const groupId = fresh('group');
    await broker.store.createTopic(topic, 1);
    await produce(topic, ['one', 'two', 'three', 'four']);
    const firstBytes = await storedBytes(topic);
    const before = await scrape();

    await consume(topic, groupId, 4);
    const afterConsume = await scrape();
    const labels = { topic };
    expect(value(afterConsume, 'sluice_broker_messages_out_total', labels) - value(before, 'sluice_broker_messages_out_total', labels)).toBe(4);
    expect(value(afterConsume, 'sluice_broker_bytes_out_total', labels) - value(before, 'sluice_broker_bytes_out_total', labels)).toBe(firstBytes);
    expect(sampleValue(afterConsume, 'sluice_consumer_group_lag', { group: groupId, topic })).toBe(0);

    await produce(topic, ['five', 'six', 'seven']);
    const committed = broker.server.groups!.fetchOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset;
    const end = broker.store.offsets(topic, 0).logEndOffset;
    expect([committed, end]).toEqual([4, 7]);
    const later = await scrape();
    expect(sampleValue(later, 'sluice_consumer_group_lag', { group: groupId, topic })).toBe(end - committed);
  });

  it('observes one fsync per commit group and one latency per append under the sync policy', async () => {
    const topic = fresh('fsync');
    await broker.store.createTopic(topic, 1, { flushPolicy: 'sync' });
    const before = await scrape();
    await produce(topic, ['x']);
    await produce(topic, ['y']);
    const after = await scrape();
    const fsyncs = value(after, 'sluice_storage_fsync_duration_seconds_count') - value(before, 'sluice_storage_fsync_duration_seconds_count');
    const appends = value(after, 'sluice_storage_append_duration_seconds_count') - value(before, 'sluice_storage_append_duration_seconds_count');
    // Two acknowledged sync appends need two fsyncs; other topics' appends may add more.
    expect(fsyncs).toBeGreaterThanOrEqual(2);
    expect(appends).toBeGreaterThanOrEqual(2);
    expect(value(after, 'sluice_storage_fsync_duration_seconds_sum')).toBeGreaterThan(value(before, 'sluice_storage_fsync_duration_seconds_sum'));
    const inf = sampleValue(after, 'sluice_storage_fsync_duration_seconds_bucket', { le: '+Inf' });
    expect(inf).toBe(value(after, 'sluice_storage_fsync_duration_seconds_count'));
  });

  it('reports topics, partitions and storage bytes from the store at scrape time, and drops deleted topics', async () => {
    const topic = fresh('sizes');
    await broker.store.createTopic(topic, 3);
    await produce(topic, ['payload-1', 'payload-2']);
    const samples = await scrape();
    const stats = broker.store.stats();
    expect(sampleValue(samples, 'sluice_broker_up')).toBe(1);
    expect(sampleValue(samples, 'sluice_broker_topics')).toBe(broker.store.listTopics().length);
    expect(sampleValue(samples, 'sluice_broker_partitions')).toBe(stats.partitions);
    expect(sampleValue(samples, 'sluice_storage_size_bytes')).toBe(stats.bytesOnDisk);
    // Creating the topic opened its three segment files; all within the limit.
    expect(stats.openSegmentFiles).toBeGreaterThanOrEqual(3);
    expect(sampleValue(samples, 'sluice_storage_open_segment_files')).toBe(stats.openSegmentFiles);
    expect(sampleValue(samples, 'sluice_storage_open_segment_files_limit')).toBe(stats.openSegmentFilesLimit);
    expect(stats.openSegmentFilesLimit).toBeGreaterThanOrEqual(stats.openSegmentFiles);
    const perTopic = [0, 1, 2].reduce((sum, p) => sum + broker.store.partitionState(topic, p).sizeBytes, 0);
    expect(perTopic).toBeGreaterThan(0);
    expect(sampleValue(samples, 'sluice_storage_topic_size_bytes', { topic })).toBe(perTopic);
    expect(sampleValue(samples, 'sluice_broker_messages_in_total', { topic })).toBe(2);

    await broker.store.deleteTopic(topic);
    await scrape(); // the scrape that notices the deletion drops the series from then on
    const gone = (await scrape()).filter((s) => s.labels['topic'] === topic);
    expect(gone).toEqual([]);
  });

  it('counts a request whose handler fails (the connection is closed) as an error of its API', async () => {
    const labels = { api_key: 'unknown', api: 'unknown' };
    const before = await scrape();
    // A request for API key 9999, which no handler serves: the broker closes the connection.
    const clientId = Buffer.from('metrics-test');
    const frame = Buffer.alloc(4 + 10 + clientId.length);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(9999, 4);
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(clientId.length, 12);
    clientId.copy(frame, 14);
    const socket = connect({ host: '127.0.0.1', port: broker.port });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(frame);
    await closed;
    await waitFor(async () => value(await scrape(), 'sluice_kafka_connections') === value(before, 'sluice_kafka_connections'), 10_000, 'the connection gauge to drop back');
    const after = await scrape();
    expect(value(after, 'sluice_kafka_requests_total', labels) - value(before, 'sluice_kafka_requests_total', labels)).toBe(1);
    expect(value(after, 'sluice_kafka_request_errors_total', labels) - value(before, 'sluice_kafka_request_errors_total', labels)).toBe(1);
  });

  it('serves the counters and process metrics without a broker source, as valid exposition', async () => {
    const { body } = await renderMetrics();
    const samples = parseExposition(body);
    expect(sampleValue(samples, 'sluice_broker_up')).toBe(0);
    expect(sampleValue(samples, 'sluice_broker_topics')).toBe(0);
    expect(samples.filter((s) => s.name === 'sluice_storage_topic_size_bytes' || s.name === 'sluice_consumer_group_lag')).toEqual([]);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });
});
