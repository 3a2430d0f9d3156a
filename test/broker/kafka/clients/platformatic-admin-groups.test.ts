/**
 * @platformatic/kafka 1.35 admin calls on configs, records and groups, each at the flexible
 * version the client picks: DescribeConfigs v4, AlterConfigs v2, IncrementalAlterConfigs v1,
 * DeleteRecords v2, OffsetCommit v8 / OffsetFetch v8 (group offsets), ListGroups v5,
 * DescribeGroups v5, DeleteGroups v2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { closeConsumer, freshTopic, pltAdmin, pltConsumer, pltProducer, record, waitUntil } from './platformatic.js';

let broker: TestBroker;
let admin: Admin;

beforeAll(async () => {
  broker = await startTestBroker();
  admin = pltAdmin(broker.port);
});
afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await broker?.close();
});

const TOPIC = 2;

describe('@platformatic/kafka admin: configs and records', () => {
  it('describes topic configs with types and documentation, and alters them (whole and incrementally)', async () => {
    const topic = freshTopic('plt-configs');
    await broker.store.createTopic(topic, 1);
    await admin.alterConfigs({ resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'retention.ms', value: '60000' }] }] });
    expect(broker.store.getTopic(topic)!.config.retentionMs).toBe(60000);
    await admin.incrementalAlterConfigs({ resources: [{ resourceType: TOPIC, resourceName: topic, configs: [{ name: 'segment.ms', configOperation: 0, value: '120000' }] }] });
    expect(broker.store.getTopic(topic)!.config).toMatchObject({ retentionMs: 60000, segmentMs: 120000 });
    const [described] = await admin.describeConfigs({
      resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: ['retention.ms', 'segment.ms', 'cleanup.policy'] }],
      includeDocumentation: true,
    });
    const byName = Object.fromEntries(described!.configs.map((c) => [c.name, c]));
    expect(byName['retention.ms']).toMatchObject({ value: '60000', readOnly: false, configSource: 1, configType: 5 });
    expect(byName['segment.ms']).toMatchObject({ value: '120000', configSource: 1 });
    expect(byName['cleanup.policy']).toMatchObject({ value: 'delete', readOnly: true, configType: 7 });
    expect(described!.configs.every((c) => typeof c.documentation === 'string')).toBe(true);
  });

  it('deletes records below an offset (DeleteRecords v2)', async () => {
    const topic = freshTopic('plt-delrec');
    await broker.store.createTopic(topic, 1);
    const producer = pltProducer(broker.port);
    try {
      for (let i = 0; i < 4; i++) await producer.send({ messages: [{ topic, partition: 0, value: `v${i}` }], acks: -1 });
    } finally {
      await producer.close();
    }
    const res = await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 2n }] }] });
    expect(res).toEqual([{ name: topic, partitions: [{ partition: 0, lowWatermark: 2n }] }]);
    expect(broker.store.offsets(topic, 0).logStartOffset).toBe(2);
  });
});

describe('@platformatic/kafka admin: groups', () => {
  it('lists, describes, reads and moves a group\'s offsets, then deletes it once empty', async () => {
    const topic = freshTopic('plt-admin-group');
    const groupId = freshTopic('plt-admin-g');
    await broker.store.createTopic(topic, 2);
    const producer = pltProducer(broker.port);
    try {
      await producer.send({ messages: [0, 1].flatMap((partition) => [0, 1, 2].map((i) => ({ topic, partition, value: `v${i}` }))), acks: -1 });
    } finally {
      await producer.close();
    }
    const consumer = pltConsumer(broker.port, groupId, 'plt-admin-member');
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
      const got = record(stream);
      await waitUntil('the member to read 6 messages', () => got.length >= 6);
      await got.find((m) => m.partition === 1 && m.offset === 1n)!.commit();

      const listed = await admin.listGroups({ types: ['classic'] });
      expect(listed.get(groupId)).toMatchObject({ id: groupId, state: 'STABLE', groupType: 'classic', protocolType: 'consumer' });
      const described = (await admin.describeGroups({ groups: [groupId] })).get(groupId)!;
      expect(described).toMatchObject({ id: groupId, state: 'STABLE', protocolType: 'consumer' });
      expect(described.members.size).toBe(1);
      // A non-empty group cannot be deleted, and stays.
      await expect(admin.deleteGroups({ groups: [groupId] })).rejects.toThrow();
      expect(broker.server.groups!.groupState(groupId)).toBe('Stable');

      const offsets = await admin.listConsumerGroupOffsets({ groups: [groupId] });
      expect(offsets).toEqual([{ groupId, topics: [{ name: topic, partitions: [expect.objectContaining({ partitionIndex: 1, committedOffset: 2n })] }] }]);
      await stream.close();
    } finally {
      await closeConsumer(consumer);
    }
    await waitUntil('the group to be empty', () => broker.server.groups!.groupState(groupId) === 'Empty');
    await admin.alterConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset: 3n }] }] });
    const moved = await admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] }] });
    expect(moved[0]!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset])).toEqual([
      [0, 3n],
      [1, 2n],
    ]);
    await admin.deleteGroups({ groups: [groupId] });
    expect((await admin.listGroups()).has(groupId)).toBe(false);
  });
});
