/**
 * kafkajs 2.2.4 against the real broker: metadata, producing (acks -1 and 1, keys, headers, gzip),
 * and admin.fetchTopicOffsets / fetchTopicOffsetsByTimestamp (ListOffsets), with what was stored
 * decoded from the log. kafkajs consumer groups are in test/broker/kafka/groups/, admin topic
 * APIs in test/broker/kafka/admin/.
 */
import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kcat, requireKcat } from './kcat.js';

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker({ defaultPartitions: 2 });
  kafka = new Kafka({ clientId: 'sluice-test', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
});
afterAll(async () => {
  await broker?.close();
});

async function withProducer<T>(fn: (p: Producer) => Promise<T>): Promise<T> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    return await fn(producer);
  } finally {
    await producer.disconnect();
  }
}

async function storedRecords(topic: string, partition: number) {
  const read = await broker.store.read(topic, partition, 0, 1 << 24);
  return (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => ({ batch: b, record: r })));
}

describe('kafkajs', () => {
  it('produces with acks -1, keys, headers and gzip; the topic is auto-created; offsets are sequential', async () => {
    const results = await withProducer((p) =>
      p.send({
        topic: 'kjs-orders',
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: Array.from({ length: 10 }, (_, i) => ({
          partition: 0,
          key: `order-${i}`,
          value: JSON.stringify({ n: i }),
          headers: { source: 'kafkajs', seq: String(i) },
        })),
      }),
    );
    expect(results).toEqual([expect.objectContaining({ topicName: 'kjs-orders', partition: 0, errorCode: 0, baseOffset: '0' })]);
    expect(broker.store.getTopic('kjs-orders')?.partitions).toBe(2);
    const stored = await storedRecords('kjs-orders', 0);
    expect(stored).toHaveLength(10);
    expect(stored[0]!.batch.header.compression).toBe('gzip');
    expect(stored.map(({ record }) => record.key!.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `order-${i}`));
    expect(stored[3]!.record.headers.map((h) => [h.key, h.value!.toString()])).toEqual([
      ['source', 'kafkajs'],
      ['seq', '3'],
    ]);
  });

  it('produces with acks 1 across partitions (second run continues the offsets)', async () => {
    const results = await withProducer((p) =>
      p.send({
        topic: 'kjs-orders',
        acks: 1,
        messages: [
          { partition: 0, key: 'again', value: 'a' },
          { partition: 1, key: 'other', value: 'b' },
        ],
      }),
    );
    const byPartition = Object.fromEntries(results.map((r) => [r.partition, r.baseOffset]));
    expect(byPartition).toEqual({ 0: '10', 1: '0' });
  });

  it('sendBatch to several topics in one request', async () => {
    const results = await withProducer((p) =>
      p.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: 'kjs-a', messages: [{ value: 'x' }, { value: 'y' }] },
          { topic: 'kjs-b', messages: [{ value: 'z' }] },
        ],
      }),
    );
    expect(results.every((r) => r.errorCode === 0)).toBe(true);
    expect(new Set(results.map((r) => r.topicName))).toEqual(new Set(['kjs-a', 'kjs-b']));
  });

  it('admin: fetchTopicMetadata, listTopics and fetchTopicOffsets (ListOffsets -1/-2)', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
      expect(meta.topics[0]!.partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr])).toEqual([
        [0, 0, [0], [0]],
        [1, 0, [0], [0]],
      ]);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining(['kjs-orders', 'kjs-a', 'kjs-b']));
      const offsets = await admin.fetchTopicOffsets('kjs-orders');
      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: '11', high: '11', low: '0' },
        { partition: 1, offset: '1', high: '1', low: '0' },
      ]);
      const cluster = await admin.describeCluster();
      expect(cluster).toMatchObject({ controller: 0, clusterId: broker.server.clusterId, brokers: [{ nodeId: 0, host: '127.0.0.1', port: broker.port }] });
    } finally {
      await admin.disconnect();
    }
  });

  it('admin: fetchTopicOffsetsByTimestamp finds the first offset at or after a time', async () => {
    await broker.store.createTopic('kjs-time', 1);
    const t0 = Date.now() - 60_000;
    await withProducer((p) =>
      p.send({
        topic: 'kjs-time',
        acks: -1,
        messages: [{ value: 'old', timestamp: String(t0) }],
      }),
    );
    await withProducer((p) => p.send({ topic: 'kjs-time', acks: -1, messages: [{ value: 'new', timestamp: String(t0 + 30_000) }] }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.fetchTopicOffsetsByTimestamp('kjs-time', t0 + 10_000)).toEqual([{ partition: 0, offset: '1' }]);
      expect(await admin.fetchTopicOffsetsByTimestamp('kjs-time', t0 - 1)).toEqual([{ partition: 0, offset: '0' }]);
    } finally {
      await admin.disconnect();
    }
  });

  it('what kafkajs produced reads back byte-exact through librdkafka (kcat -C)', async () => {
    requireKcat();
    const { stdout } = await kcat(['-b', `127.0.0.1:${broker.port}`, '-C', '-t', 'kjs-orders', '-p', '0', '-o', 'beginning', '-e', '-f', '%k %s %h\n']);
    const lines = stdout.toString().trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[2]).toBe('order-2 {"n":2} source=kafkajs,seq=2');
    expect(lines[10]).toBe('again a'); // no headers (the trailing space went with trimEnd)
  });
});
