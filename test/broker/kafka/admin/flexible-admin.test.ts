/**
 * The flexible versions of the admin APIs over the raw protocol: CreateTopics v5-7 (the created
 * topic's counts, configs and persisted id), DeleteTopics v6 (by name or by id), Metadata v10-12
 * (topic ids, lookup by id), DescribeConfigs v3-4 (types, documentation), InitProducerId v3-4.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../broker/logger.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { createTopics, deleteTopics, describeConfigs, initProducerId, metadata } from '../../../../broker/kafka/protocol/apis/index.js';
import { RawClient, startTestBroker, type TestBroker } from '../handlers/helpers.js';

const ZERO = '00000000-0000-0000-0000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let broker: TestBroker;
let c: RawClient;
beforeEach(async () => {
  broker = await startTestBroker({ defaultPartitions: 2 });
  c = await RawClient.connect(broker.port);
});
afterEach(async () => {
  c.close();
  await broker.close();
});

const topicReq = (name: string, extra: Record<string, unknown> = {}) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [], ...extra });

describe('CreateTopics v5-7', () => {
  it('answers the created topic: its id (v7), partition count, replication factor and configs', async () => {
    const res = await c.call(createTopics, 7, { topics: [topicReq('ct7', { configs: [{ name: 'retention.ms', value: '1000' }] })], timeoutMs: 1000, validateOnly: false });
    const info = broker.store.getTopic('ct7')!;
    expect(info.id).toMatch(UUID);
    expect(res.topics[0]).toMatchObject({ name: 'ct7', topicId: info.id, errorCode: 0, errorMessage: null, numPartitions: 2, replicationFactor: 1, topicConfigErrorCode: 0 });
    expect(res.topics[0]!.configs).toContainEqual({ name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false });
    expect(res.topics[0]!.configs).toContainEqual({ name: 'cleanup.policy', value: 'delete', readOnly: true, configSource: 5, isSensitive: false });
  });

  it('validateOnly answers what would be created with the zero id, and creates nothing', async () => {
    const res = await c.call(createTopics, 6, { topics: [topicReq('ct-v', { numPartitions: 3 })], timeoutMs: 1000, validateOnly: true });
    expect(res.topics[0]).toMatchObject({ name: 'ct-v', errorCode: 0, numPartitions: 3, replicationFactor: 1 });
    const v7 = await c.call(createTopics, 7, { topics: [topicReq('ct-v')], timeoutMs: 1000, validateOnly: true });
    expect(v7.topics[0]).toMatchObject({ topicId: ZERO, numPartitions: 2 });
    expect(broker.store.getTopic('ct-v')).toBeUndefined();
  });

  it('a failure answers -1 counts and null configs (v5)', async () => {
    const res = await c.call(createTopics, 5, { topics: [topicReq('ct-bad', { replicationFactor: 3 })], timeoutMs: 1000, validateOnly: false });
    expect(res.topics[0]).toEqual({ name: 'ct-bad', topicId: ZERO, errorCode: 38, errorMessage: expect.any(String), topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null });
    expect(broker.store.getTopic('ct-bad')).toBeUndefined();
  });
});

describe('topic ids', () => {
  it('Metadata v10-12 reports the persisted id, finds topics by id, and answers UNKNOWN_TOPIC_ID for others', async () => {
    const info = await broker.store.createTopic('md', 1);
    for (const v of [10, 11, 12]) {
      const byName = await c.call(metadata, v, { topics: [{ topicId: ZERO, name: 'md' }], allowAutoTopicCreation: false });
      expect(byName.topics).toEqual([expect.objectContaining({ name: 'md', topicId: info.id, errorCode: 0 })]);
    }
    const unknown = 'abcdefab-0000-4000-8000-000000000001';
    const byId = await c.call(metadata, 12, { topics: [{ topicId: info.id, name: null }, { topicId: unknown, name: null }], allowAutoTopicCreation: true });
    expect(byId.topics).toEqual([
      expect.objectContaining({ name: 'md', topicId: info.id, errorCode: 0, partitions: [expect.objectContaining({ partitionIndex: 0 })] }),
      expect.objectContaining({ name: null, topicId: unknown, errorCode: 100, partitions: [] }),
    ]);
    // An id is never auto-created.
    expect(broker.store.listTopics().map((t) => t.name)).toEqual(['md']);
  });

  it('ids survive a restart of the store (they are persisted with the topic)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-topic-id-'));
    try {
      const first = new FileLogStore({ dataDir: dir, logger: memoryLogger() });
      await first.open();
      const id = (await first.createTopic('persisted', 1)).id;
      await first.close();
      const second = new FileLogStore({ dataDir: dir, logger: memoryLogger() });
      await second.open();
      expect(second.getTopic('persisted')!.id).toBe(id);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('DeleteTopics v6 deletes by name or by id; an unknown id is UNKNOWN_TOPIC_ID; name and id together are invalid', async () => {
    const a = await broker.store.createTopic('del-a', 1);
    const b = await broker.store.createTopic('del-b', 1);
    const unknown = 'abcdefab-0000-4000-8000-000000000002';
    const res = await c.call(deleteTopics, 6, {
      topics: [
        { name: 'del-a', topicId: ZERO },
        { name: null, topicId: b.id },
        { name: null, topicId: unknown },
        { name: 'missing', topicId: ZERO },
        { name: 'del-c', topicId: a.id },
      ],
      timeoutMs: 1000,
    });
    expect(res.responses).toEqual([
      { name: 'del-a', topicId: a.id, errorCode: 0, errorMessage: null },
      { name: 'del-b', topicId: b.id, errorCode: 0, errorMessage: null },
      { name: null, topicId: unknown, errorCode: 100, errorMessage: expect.stringContaining(unknown) },
      { name: 'missing', topicId: ZERO, errorCode: 3, errorMessage: expect.any(String) },
      { name: 'del-c', topicId: a.id, errorCode: 42, errorMessage: expect.any(String) },
    ]);
    expect(broker.store.listTopics()).toEqual([]);
  });

  it('DeleteTopics v5 refuses internal topics with a message', async () => {
    await broker.store.createTopic('__consumer_offsets', 1);
    const res = await c.call(deleteTopics, 5, { topicNames: ['__consumer_offsets'], timeoutMs: 1000 });
    expect(res.responses).toEqual([{ name: '__consumer_offsets', topicId: ZERO, errorCode: 17, errorMessage: expect.stringContaining('internal') }]);
    expect(broker.store.getTopic('__consumer_offsets')).toBeDefined();
  });
});

describe('DescribeConfigs v3-4', () => {
  it('answers config types, and documentation only when asked', async () => {
    await broker.store.createTopic('dc', 1);
    const call = (v: number, includeDocumentation: boolean) =>
      c.call(describeConfigs, v, { resources: [{ resourceType: 2, resourceName: 'dc', configurationKeys: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false, includeDocumentation });
    const plain = (await call(4, false)).results[0]!.configs;
    expect(plain.map((e) => [e.name, e.configType, e.documentation])).toEqual([
      ['cleanup.policy', 7, null],
      ['retention.ms', 5, null],
    ]);
    const documented = (await call(3, true)).results[0]!.configs;
    expect(documented.every((e) => typeof e.documentation === 'string' && e.documentation.length > 0)).toBe(true);
  });
});

describe('InitProducerId v3-4', () => {
  it('hands out a new id for (-1, -1) and for a known id and epoch; half of a pair is INVALID_REQUEST', async () => {
    const first = await c.call(initProducerId, 4, { transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: -1 });
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    const again = await c.call(initProducerId, 3, { transactionalId: null, transactionTimeoutMs: -1, producerId: first.producerId, producerEpoch: 0 });
    expect(again.errorCode).toBe(0);
    expect(again.producerId).not.toBe(first.producerId);
    expect(await c.call(initProducerId, 4, { transactionalId: null, transactionTimeoutMs: -1, producerId: 5n, producerEpoch: -1 })).toMatchObject({ errorCode: 42, producerId: -1n });
    expect(await c.call(initProducerId, 4, { transactionalId: null, transactionTimeoutMs: -1, producerId: -1n, producerEpoch: 3 })).toMatchObject({ errorCode: 42, producerId: -1n });
  });
});
