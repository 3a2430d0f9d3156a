/**
 * kafkajs 2.2.4 admin against the group APIs: describeGroups (DescribeGroups), listGroups
 * (ListGroups), fetchOffsets (OffsetFetch), setOffsets/resetOffsets (OffsetCommit from outside
 * the group) and deleteGroups (DeleteGroups).
 */
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { fastConsumer, kafkaFor, recorder, waitFor, type Received } from './helpers.js';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
const topic = 'admin-orders';

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = kafkaFor(broker.port);
  admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 50 } });
  await admin.connect();
  await broker.store.createTopic(topic, 2);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
  await producer.disconnect();
});
afterAll(async () => {
  await admin?.disconnect();
  await broker?.close();
});

describe('kafkajs admin and consumer groups', () => {
  it('describes and lists a running group, fetches its offsets, refuses to delete it', async () => {
    const groupId = 'admin-running';
    const received: Received[] = [];
    const consumer = fastConsumer(kafka, groupId);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: recorder('c', received) });
      await waitFor(() => received.length >= 10, 20_000, '10 messages');
      await waitFor(async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets[0]!.partitions.every((p) => p.offset === '5');
      }, 10_000, 'offsets committed');

      const { groups } = await admin.describeGroups([groupId]);
      expect(groups).toHaveLength(1);
      const g = groups[0]!;
      expect(g).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner', errorCode: 0 });
      expect(g.members).toHaveLength(1);
      expect(g.members[0]!.clientId).toBe('sluice-groups-test');
      expect(g.members[0]!.clientHost).toContain('127.0.0.1');
      expect(g.members[0]!.memberAssignment.length).toBeGreaterThan(0);

      const listed = await admin.listGroups();
      expect(listed.groups).toContainEqual({ groupId, protocolType: 'consumer' });

      const fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(fetched).toEqual([
        {
          topic,
          partitions: expect.arrayContaining([
            expect.objectContaining({ partition: 0, offset: '5' }),
            expect.objectContaining({ partition: 1, offset: '5' }),
          ]),
        },
      ]);

      await expect(admin.deleteGroups([groupId])).rejects.toThrow();
    } finally {
      await consumer.disconnect();
    }
    // After the last member left: Empty, still listed, offsets kept.
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: 'Empty', members: [] });
  }, 40_000);

  it('setOffsets / resetOffsets commit for an inactive group; a consumer resumes there; deleteGroups removes it', async () => {
    const groupId = 'admin-inactive';
    // (kafkajs's setOffsets joins the group with a paused consumer and waits one idle fetch
    // interval, 5 s, on the client side.)
    // resetOffsets: kafkajs seeks to its LATEST sentinel and commits it as is (-1), as against Kafka.
    await admin.resetOffsets({ groupId, topic, earliest: false });
    let fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '-1'],
      [1, '-1'],
    ]);
    expect((await admin.describeGroups([groupId])).groups[0]).toMatchObject({ state: 'Empty', members: [] });

    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '4' }] });
    fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '3'],
      [1, '4'],
    ]);

    const received: Received[] = [];
    const consumer = fastConsumer(kafka, groupId);
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: recorder('c', received) });
      await waitFor(() => received.length >= 3, 20_000, '3 messages');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await consumer.disconnect();
    }
    expect(received.map((r) => [r.partition, r.offset]).sort()).toEqual([
      [0, 3],
      [0, 4],
      [1, 4],
    ]);

    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    const deleted = await admin.deleteGroups([groupId]);
    expect(deleted).toEqual([expect.objectContaining({ groupId, errorCode: 0 })]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
    fetched = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(fetched[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: 'Dead' });
  }, 40_000);
});
