import { afterEach, describe, expect, it } from 'vitest';
import { metadata } from '../../../../broker/kafka/protocol/apis/index.js';
import { RawClient, startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('Metadata handler', () => {
  it('lists one broker (node 0, advertised address), controller 0 and the cluster id', async () => {
    broker = await startTestBroker({ advertisedHost: 'kafka.example.test' });
    const c = await RawClient.connect(broker.port);
    const res = await c.call(metadata, 5, { topics: null });
    expect(res.brokers).toEqual([{ nodeId: 0, host: 'kafka.example.test', port: broker.port, rack: null }]);
    expect(res.controllerId).toBe(0);
    expect(res.clusterId).toBe(broker.server.clusterId);
    expect(res.throttleTimeMs).toBe(0);
    c.close();
  });

  it('v0 [] and v1+ null mean every topic; v1+ [] means none; __consumer_offsets is internal', async () => {
    broker = await startTestBroker();
    await broker.store.createTopic('orders', 3);
    await broker.store.createTopic('__consumer_offsets', 2);
    const c = await RawClient.connect(broker.port);
    const v0 = await c.call(metadata, 0, { topics: [] });
    expect(v0.topics.map((t) => t.name)).toEqual(['__consumer_offsets', 'orders']);
    const v1 = await c.call(metadata, 1, { topics: null });
    expect(v1.topics.map((t) => [t.name, t.isInternal])).toEqual([
      ['__consumer_offsets', true],
      ['orders', false],
    ]);
    const none = await c.call(metadata, 4, { topics: [], allowAutoTopicCreation: true });
    expect(none.topics).toEqual([]);
    const orders = v1.topics.find((t) => t.name === 'orders')!;
    expect(orders.errorCode).toBe(0);
    expect(orders.partitions).toEqual(
      [0, 1, 2].map((i) => expect.objectContaining({ errorCode: 0, partitionIndex: i, leaderId: 0, replicaNodes: [0], isrNodes: [0] })),
    );
    c.close();
  });

  it('auto-creates a requested unknown topic with the default partition count', async () => {
    broker = await startTestBroker({ defaultPartitions: 4 });
    const c = await RawClient.connect(broker.port);
    const res = await c.call(metadata, 1, { topics: [{ name: 'fresh', topicId: '' }] });
    expect(res.topics[0]).toMatchObject({ name: 'fresh', errorCode: 0 });
    expect(res.topics[0]!.partitions).toHaveLength(4);
    expect(broker.store.getTopic('fresh')?.partitions).toBe(4);
    // Concurrent requests for one new topic create it once.
    const both = await Promise.all([
      c.call(metadata, 5, { topics: [{ name: 'race', topicId: '' }], allowAutoTopicCreation: true }),
      c.call(metadata, 5, { topics: [{ name: 'race', topicId: '' }], allowAutoTopicCreation: true }),
    ]);
    expect(both.map((r) => r.topics[0]!.errorCode)).toEqual([0, 0]);
    c.close();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION (3) when the client (v4+) or the broker forbids auto-creation', async () => {
    broker = await startTestBroker();
    const c = await RawClient.connect(broker.port);
    const res = await c.call(metadata, 4, { topics: [{ name: 'nope', topicId: '' }], allowAutoTopicCreation: false });
    expect(res.topics).toEqual([expect.objectContaining({ name: 'nope', errorCode: 3, partitions: [] })]);
    expect(broker.store.getTopic('nope')).toBeUndefined();
    c.close();
    await broker.close();

    broker = await startTestBroker({ autoCreateTopics: false });
    const c2 = await RawClient.connect(broker.port);
    const res2 = await c2.call(metadata, 1, { topics: [{ name: 'nope', topicId: '' }] });
    expect(res2.topics[0]!.errorCode).toBe(3);
    c2.close();
  });

  it('answers INVALID_TOPIC_EXCEPTION (17) for an illegal name', async () => {
    broker = await startTestBroker();
    const c = await RawClient.connect(broker.port);
    const res = await c.call(metadata, 1, { topics: [{ name: 'bad name!', topicId: '' }] });
    expect(res.topics[0]!.errorCode).toBe(17);
    c.close();
  });
});
