/**
 * kafkajs 2.2.4 admin client against the real broker: topic create/delete, partitions, configs,
 * DeleteRecords; kcat (librdkafka) sees the new partitions.
 */
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kcat, requireKcat } from '../clients/kcat.js';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startTestBroker({ defaultPartitions: 1 });
  kafka = new Kafka({ clientId: 'sluice-admin-test', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await broker?.close();
});

async function produce(topic: string, partition: number, count: number): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < count; i++) await producer.send({ topic, acks: -1, messages: [{ partition, value: `m${i}` }] });
  } finally {
    await producer.disconnect();
  }
}

async function describeTopic(name: string, configNames?: string[]) {
  const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name, ...(configNames ? { configNames } : {}) }] });
  const entries = res.resources[0]!.configEntries;
  return Object.fromEntries(entries.map((e) => [e.configName, e]));
}

describe('kafkajs admin', () => {
  it('createTopics with partitions and configEntries; the store has them', async () => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'adm-create',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '3600000' },
            { name: 'message.timestamp.type', value: 'LogAppendTime' },
            { name: 'sluice.flush.policy', value: 'interval' },
            { name: 'cleanup.policy', value: 'delete' },
          ],
        },
      ],
    });
    expect(created).toBe(true);
    const info = broker.store.getTopic('adm-create')!;
    expect(info.partitions).toBe(3);
    expect(info.config).toMatchObject({ retentionMs: 3_600_000, timestampType: 'LogAppendTime', flushPolicy: 'interval' });
    expect(await admin.listTopics()).toContain('adm-create');
    const meta = await admin.fetchTopicMetadata({ topics: ['adm-create'] });
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
  });

  it('createTopics validateOnly creates nothing; an existing topic is not created again', async () => {
    expect(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'adm-validate', numPartitions: 2 }] })).toBe(true);
    expect(broker.store.getTopic('adm-validate')).toBeUndefined();
    await admin.createTopics({ topics: [{ topic: 'adm-exists', numPartitions: 1 }] });
    // kafkajs reports TOPIC_ALREADY_EXISTS as "nothing created" (false), not as an error.
    expect(await admin.createTopics({ topics: [{ topic: 'adm-exists', numPartitions: 4 }] })).toBe(false);
    expect(broker.store.getTopic('adm-exists')!.partitions).toBe(1);
  });

  it('createTopics rejects replication factor 3, unknown configs and bad values; nothing is created', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'adm-rf3', numPartitions: 1, replicationFactor: 3 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    await expect(
      admin.createTopics({ topics: [{ topic: 'adm-badcfg', configEntries: [{ name: 'retention.ms', value: 'abc' }] }] }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    await expect(
      admin.createTopics({ topics: [{ topic: 'adm-unknowncfg', configEntries: [{ name: 'no.such.config', value: '1' }] }] }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    await expect(
      admin.createTopics({ topics: [{ topic: 'adm-compact', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] }),
    ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
    for (const t of ['adm-rf3', 'adm-badcfg', 'adm-unknowncfg', 'adm-compact']) expect(broker.store.getTopic(t)).toBeUndefined();
  });

  it('createPartitions grows a topic; shrinking is rejected; Metadata and kcat -L show the new count', async () => {
    requireKcat();
    await admin.createTopics({ topics: [{ topic: 'adm-grow', numPartitions: 2 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 5 }] });
    expect(broker.store.getTopic('adm-grow')!.partitions).toBe(5);
    await expect(admin.createPartitions({ topicPartitions: [{ topic: 'adm-grow', count: 3 }] })).rejects.toMatchObject({
      type: 'INVALID_PARTITIONS',
    });
    expect(broker.store.getTopic('adm-grow')!.partitions).toBe(5);
    await expect(admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic: 'adm-grow', count: 8 }] })).resolves.toBeUndefined();
    expect(broker.store.getTopic('adm-grow')!.partitions).toBe(5);
    const meta = await admin.fetchTopicMetadata({ topics: ['adm-grow'] });
    expect(meta.topics[0]!.partitions).toHaveLength(5);
    const { stdout } = await kcat(['-b', `127.0.0.1:${broker.port}`, '-L', '-t', 'adm-grow', '-J']);
    const listing = JSON.parse(stdout.toString()) as { topics: { topic: string; partitions: { partition: number; leader: number }[] }[] };
    const topic = listing.topics.find((t) => t.topic === 'adm-grow')!;
    expect(topic.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(topic.partitions.every((p) => p.leader === 0)).toBe(true);
  });

  it('deleteTopics removes a topic; an unknown one is an error', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-delete', numPartitions: 2 }] });
    await admin.deleteTopics({ topics: ['adm-delete'] });
    expect(broker.store.getTopic('adm-delete')).toBeUndefined();
    expect(await admin.listTopics()).not.toContain('adm-delete');
    // kafkajs treats UNKNOWN_TOPIC_OR_PARTITION (3) as retriable and wraps it once retries run out.
    await expect(admin.deleteTopics({ topics: ['adm-never-existed'] })).rejects.toMatchObject({
      cause: expect.objectContaining({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3 }),
    });
  });

  it('describeConfigs lists topic configs with values, defaults and read-only entries', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-describe', configEntries: [{ name: 'retention.bytes', value: '1048576' }] }] });
    const c = await describeTopic('adm-describe');
    expect(c['retention.bytes']).toMatchObject({ configValue: '1048576', isDefault: false, readOnly: false, isSensitive: false });
    expect(c['retention.ms']).toMatchObject({ configValue: String(7 * 24 * 3600 * 1000), isDefault: true });
    expect(c['cleanup.policy']).toMatchObject({ configValue: 'delete', readOnly: true });
    expect(c['min.insync.replicas']).toMatchObject({ configValue: '1', readOnly: true });
    expect(c['sluice.flush.policy']).toMatchObject({ configValue: 'sync', isDefault: true });
    expect(Object.keys(await describeTopic('adm-describe', ['segment.bytes']))).toEqual(['segment.bytes']);
  });

  it('describeConfigs on the broker lists read-only broker settings', async () => {
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '0' }] });
    const entries = Object.fromEntries(res.resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries['auto.create.topics.enable']).toMatchObject({ configValue: 'true', readOnly: true });
    expect(entries['num.partitions']).toMatchObject({ configValue: '1', readOnly: true });
    expect(entries['log.flush.policy']).toMatchObject({ configValue: 'sync', readOnly: true });
  });

  it('alterConfigs replaces the topic config (unlisted configs revert to defaults); describeConfigs shows it', async () => {
    await admin.createTopics({
      topics: [{ topic: 'adm-alter', configEntries: [{ name: 'segment.bytes', value: '1048576' }, { name: 'retention.ms', value: '60000' }] }],
    });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-alter', configEntries: [{ name: 'retention.ms', value: '120000' }, { name: 'max.message.bytes', value: '2048' }] }],
    });
    const cfg = broker.store.getTopic('adm-alter')!.config;
    expect(cfg).toMatchObject({ retentionMs: 120_000, maxMessageBytes: 2048, segmentBytes: 256 * 1024 * 1024 });
    const c = await describeTopic('adm-alter');
    expect(c['retention.ms']).toMatchObject({ configValue: '120000', isDefault: false });
    expect(c['max.message.bytes']).toMatchObject({ configValue: '2048', isDefault: false });
    expect(c['segment.bytes']).toMatchObject({ configValue: String(256 * 1024 * 1024), isDefault: true });

    // validateOnly changes nothing
    await admin.alterConfigs({
      validateOnly: true,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-alter', configEntries: [{ name: 'retention.ms', value: '1' }] }],
    });
    expect(broker.store.getTopic('adm-alter')!.config.retentionMs).toBe(120_000);

    // bad input changes nothing
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-alter', configEntries: [{ name: 'retention.ms', value: 'abc' }] }],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-alter', configEntries: [{ name: 'bogus.name', value: '1' }] }],
      }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    expect(broker.store.getTopic('adm-alter')!.config).toEqual(cfg);
  });

  it('deleteTopicRecords moves the low watermark; ListOffsets earliest reflects it', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-records', numPartitions: 2 }] });
    await produce('adm-records', 0, 6);
    await produce('adm-records', 1, 3);
    // kafkajs locates partition leaders from the admin's metadata cache
    await admin.fetchTopicMetadata({ topics: ['adm-records'] });
    await admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 0, offset: '4' }] });
    expect(broker.store.offsets('adm-records', 0)).toEqual({ logStartOffset: 4, logEndOffset: 6 });
    await admin.deleteTopicRecords({ topic: 'adm-records', partitions: [{ partition: 1, offset: '-1' }] });
    expect(broker.store.offsets('adm-records', 1)).toEqual({ logStartOffset: 3, logEndOffset: 3 });
    const offsets = await admin.fetchTopicOffsets('adm-records');
    expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
      expect.objectContaining({ partition: 0, low: '4', high: '6' }),
      expect.objectContaining({ partition: 1, low: '3', high: '3' }),
    ]);
  });
});
