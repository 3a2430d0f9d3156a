/**
 * The topic admin APIs over the raw protocol: exact error codes and messages for bad input, and
 * that a refused request leaves the store as it was.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alterConfigs,
  createPartitions,
  createTopics,
  deleteRecords,
  deleteTopics,
  describeConfigs,
  incrementalAlterConfigs,
} from '../../../../broker/kafka/protocol/apis/index.js';
import { encodeBatch } from '../../../../broker/records/encoder.js';
import { RawClient, startTestBroker, type TestBroker } from '../handlers/helpers.js';

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

function topicReq(name: string, extra: Record<string, unknown> = {}) {
  return { name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...extra };
}

async function create(topics: Record<string, unknown>[], validateOnly = false, version = 4) {
  const res = await c.call(createTopics, version, { topics, timeoutMs: 1000, validateOnly });
  return res.topics;
}

describe('CreateTopics', () => {
  it('creates with the broker default for numPartitions -1 / replicationFactor -1 and with configs', async () => {
    const res = await create([
      topicReq('a-default', { numPartitions: -1, replicationFactor: -1 }),
      topicReq('a-configured', { numPartitions: 3, configs: [{ name: 'segment.ms', value: '60000' }, { name: 'sluice.flush.interval.ms', value: '50' }] }),
    ]);
    expect(res).toMatchObject([
      { name: 'a-default', errorCode: 0, errorMessage: null },
      { name: 'a-configured', errorCode: 0, errorMessage: null },
    ]);
    expect(broker.store.getTopic('a-default')!.partitions).toBe(2);
    expect(broker.store.getTopic('a-configured')).toMatchObject({ partitions: 3, config: { segmentMs: 60000, flushIntervalMs: 50 } });
  });

  it('answers precise codes and messages and creates nothing for bad input', async () => {
    const res = await create([
      topicReq('b-rf3', { replicationFactor: 3 }),
      topicReq('b-unknown', { configs: [{ name: 'no.such.thing', value: '1' }] }),
      topicReq('b-abc', { configs: [{ name: 'retention.ms', value: 'abc' }] }),
      topicReq('b-range', { configs: [{ name: 'segment.bytes', value: '0' }] }),
      topicReq('b-compact', { configs: [{ name: 'cleanup.policy', value: 'compact' }] }),
      topicReq('b-isr', { configs: [{ name: 'min.insync.replicas', value: '2' }] }),
      topicReq('b-null', { configs: [{ name: 'retention.ms', value: null }] }),
      topicReq('b-ts', { configs: [{ name: 'message.timestamp.type', value: 'Wallclock' }] }),
      topicReq('b/bad name'),
      topicReq('b-zero', { numPartitions: 0 }),
      topicReq('b-assign-other', { numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
      topicReq('b-assign-both', { numPartitions: 1, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [0] }] }),
    ]);
    const byName = Object.fromEntries(res.map((t) => [t.name, t]));
    expect(byName['b-rf3']).toMatchObject({ errorCode: 38, errorMessage: expect.stringContaining('single-node broker') });
    expect(byName['b-unknown']).toMatchObject({ errorCode: 40, errorMessage: 'Unknown topic config name: no.such.thing' });
    expect(byName['b-abc']).toMatchObject({ errorCode: 40, errorMessage: expect.stringMatching(/"abc".*retention\.ms/) });
    expect(byName['b-range']).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('segment.bytes') });
    expect(byName['b-compact']).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('compaction is not supported') });
    expect(byName['b-isr']).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('min.insync.replicas') });
    expect(byName['b-null']).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('Null value') });
    expect(byName['b-ts']).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('CreateTime, LogAppendTime') });
    expect(byName['b/bad name']).toMatchObject({ errorCode: 17, errorMessage: expect.stringContaining('invalid topic name') });
    expect(byName['b-zero']).toMatchObject({ errorCode: 37 });
    expect(byName['b-assign-other']).toMatchObject({ errorCode: 42, errorMessage: expect.stringContaining('single-node') });
    expect(byName['b-assign-both']).toMatchObject({ errorCode: 42 });
    expect(broker.store.listTopics()).toEqual([]);
  });

  it('accepts manual assignments on broker 0 only', async () => {
    const res = await create([
      topicReq('c-assigned', {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [
          { partitionIndex: 1, brokerIds: [0] },
          { partitionIndex: 0, brokerIds: [0] },
        ],
      }),
    ]);
    expect(res[0]!.errorCode).toBe(0);
    expect(broker.store.getTopic('c-assigned')!.partitions).toBe(2);
  });

  it('validateOnly checks but creates nothing; existing topics and duplicates are refused', async () => {
    expect(await create([topicReq('d-v')], true)).toMatchObject([{ name: 'd-v', errorCode: 0, errorMessage: null }]);
    expect(await create([topicReq('d-v', { replicationFactor: 2 })], true)).toMatchObject([{ errorCode: 38 }]);
    expect(broker.store.getTopic('d-v')).toBeUndefined();
    await create([topicReq('d-e')]);
    expect(await create([topicReq('d-e')])).toMatchObject([{ errorCode: 36, errorMessage: "Topic 'd-e' already exists." }]);
    expect(await create([topicReq('d-dup'), topicReq('d-dup')])).toMatchObject([{ errorCode: 42 }, { errorCode: 42 }]);
    expect(broker.store.getTopic('d-dup')).toBeUndefined();
  });

  it('v0 answers without error messages (the decoder fills the absent field with null)', async () => {
    expect(await create([topicReq('e-v0', { replicationFactor: 3 })], false, 0)).toMatchObject([{ name: 'e-v0', errorCode: 38, errorMessage: null }]);
  });
});

describe('DeleteTopics', () => {
  it('deletes, answers 3 for unknown topics and refuses internal ones', async () => {
    await broker.store.createTopic('f-del', 1);
    await broker.store.createTopic('__consumer_offsets', 1);
    const res = await c.call(deleteTopics, 3, { topicNames: ['f-del', 'f-missing', '__consumer_offsets'], timeoutMs: 1000 });
    expect(res.responses).toMatchObject([
      { name: 'f-del', errorCode: 0 },
      { name: 'f-missing', errorCode: 3 },
      { name: '__consumer_offsets', errorCode: 17 },
    ]);
    expect(broker.store.getTopic('f-del')).toBeUndefined();
    expect(broker.store.getTopic('__consumer_offsets')).toBeDefined();
  });
});

describe('CreatePartitions', () => {
  it('grows only; validateOnly; unknown topic; assignments on broker 0', async () => {
    await broker.store.createTopic('g', 2);
    const call = (topics: Record<string, unknown>[], validateOnly = false) =>
      c.call(createPartitions, 1, { topics, timeoutMs: 1000, validateOnly }).then((r) => r.results);
    expect(await call([{ name: 'g', count: 2, assignments: null }])).toMatchObject([{ errorCode: 37, errorMessage: 'Topic already has 2 partitions.' }]);
    expect(await call([{ name: 'g', count: 1, assignments: null }])).toMatchObject([{ errorCode: 37, errorMessage: expect.stringContaining('only be added') }]);
    expect(await call([{ name: 'g', count: 4, assignments: null }], true)).toEqual([{ name: 'g', errorCode: 0, errorMessage: null }]);
    expect(broker.store.getTopic('g')!.partitions).toBe(2);
    expect(await call([{ name: 'g', count: 4, assignments: [{ brokerIds: [0] }, { brokerIds: [2] }] }])).toMatchObject([{ errorCode: 42 }]);
    expect(await call([{ name: 'g', count: 4, assignments: [{ brokerIds: [0] }, { brokerIds: [0] }] }])).toEqual([{ name: 'g', errorCode: 0, errorMessage: null }]);
    expect(broker.store.getTopic('g')!.partitions).toBe(4);
    expect(await call([{ name: 'nope', count: 4, assignments: null }])).toMatchObject([{ errorCode: 3 }]);
  });
});

describe('DescribeConfigs', () => {
  it('v0 reports isDefault; v1 reports configSource and synonyms; unknown topic is 3', async () => {
    await broker.store.createTopic('h', 1, { retentionMs: 1000 });
    const v0 = await c.call(describeConfigs, 0, { resources: [{ resourceType: 2, resourceName: 'h', configurationKeys: ['retention.ms', 'segment.ms'] }] });
    expect(v0.results[0]).toMatchObject({
      errorCode: 0,
      resourceName: 'h',
      configs: [
        { name: 'retention.ms', value: '1000', readOnly: false, isDefault: false, isSensitive: false },
        { name: 'segment.ms', value: String(7 * 86_400_000), readOnly: false, isDefault: true, isSensitive: false },
      ],
    });
    const v1 = await c.call(describeConfigs, 2, {
      resources: [
        { resourceType: 2, resourceName: 'h', configurationKeys: ['retention.ms'] },
        { resourceType: 2, resourceName: 'missing', configurationKeys: null },
        { resourceType: 4, resourceName: '7', configurationKeys: null },
        { resourceType: 4, resourceName: '', configurationKeys: ['num.partitions'] },
      ],
      includeSynonyms: true,
    });
    expect(v1.results[0]!.configs).toMatchObject([
      {
        name: 'retention.ms',
        value: '1000',
        readOnly: false,
        configSource: 1,
        isSensitive: false,
        synonyms: [
          { name: 'retention.ms', value: '1000', source: 1 },
          { name: 'log.retention.ms', value: String(7 * 86_400_000), source: 5 },
        ],
      },
    ]);
    expect(v1.results[1]).toMatchObject({ errorCode: 3, errorMessage: expect.stringContaining('missing'), configs: [] });
    expect(v1.results[2]).toMatchObject({ errorCode: 42 });
    expect(v1.results[3]!.configs).toMatchObject([
      { name: 'num.partitions', value: '2', readOnly: true, configSource: 4, isSensitive: false, synonyms: [{ name: 'num.partitions', value: '2', source: 4 }] },
    ]);
  });
});

describe('AlterConfigs / IncrementalAlterConfigs', () => {
  it('AlterConfigs refuses broker resources and unknown topics; bad values leave the store unchanged', async () => {
    await broker.store.createTopic('i', 1, { retentionMs: 5000 });
    const before = broker.store.getTopic('i')!.config;
    const res = await c.call(alterConfigs, 1, {
      resources: [
        { resourceType: 4, resourceName: '0', configs: [{ name: 'num.partitions', value: '3' }] },
        { resourceType: 2, resourceName: 'nope', configs: [] },
        { resourceType: 2, resourceName: 'i', configs: [{ name: 'retention.bytes', value: '100' }, { name: 'retention.ms', value: '-5' }] },
      ],
      validateOnly: false,
    });
    expect(res.responses).toEqual([
      { errorCode: 42, errorMessage: expect.stringContaining('static'), resourceType: 4, resourceName: '0' },
      { errorCode: 3, errorMessage: expect.any(String), resourceType: 2, resourceName: 'nope' },
      { errorCode: 40, errorMessage: expect.stringContaining('retention.ms'), resourceType: 2, resourceName: 'i' },
    ]);
    expect(broker.store.getTopic('i')!.config).toEqual(before);
  });

  it('IncrementalAlterConfigs v0 and v1 (flexible): SET, DELETE, APPEND/SUBTRACT rules, validateOnly', async () => {
    await broker.store.createTopic('j', 1, { retentionMs: 5000, segmentMs: 9000 });
    const call = (version: number, configs: Record<string, unknown>[], validateOnly = false) =>
      c.call(incrementalAlterConfigs, version, { resources: [{ resourceType: 2, resourceName: 'j', configs }], validateOnly }).then((r) => r.responses[0]!);

    expect(await call(0, [{ name: 'retention.ms', configOperation: 0, value: '1' }], true)).toMatchObject({ errorCode: 0 });
    expect(broker.store.getTopic('j')!.config.retentionMs).toBe(5000);

    expect(await call(1, [{ name: 'retention.ms', configOperation: 0, value: '60000' }, { name: 'sluice.flush.policy', configOperation: 0, value: 'interval' }])).toMatchObject({
      errorCode: 0,
      errorMessage: null,
    });
    expect(broker.store.getTopic('j')!.config).toMatchObject({ retentionMs: 60000, segmentMs: 9000, flushPolicy: 'interval' });

    expect(await call(0, [{ name: 'segment.ms', configOperation: 1, value: null }, { name: 'sluice.flush.policy', configOperation: 1, value: null }])).toMatchObject({ errorCode: 0 });
    const cfg = broker.store.getTopic('j')!.config;
    expect(cfg.segmentMs).toBe(7 * 86_400_000);
    expect(cfg.flushPolicy).toBeUndefined();
    expect(cfg.retentionMs).toBe(60000);

    expect(await call(1, [{ name: 'retention.ms', configOperation: 2, value: '5' }])).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('not a list config') });
    expect(await call(1, [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).toMatchObject({ errorCode: 40, errorMessage: expect.stringContaining('compaction') });
    expect(await call(1, [{ name: 'cleanup.policy', configOperation: 2, value: 'delete' }])).toMatchObject({ errorCode: 0 });
    expect(await call(1, [{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }])).toMatchObject({ errorCode: 40 });
    expect(await call(1, [{ name: 'what.ever', configOperation: 0, value: '1' }])).toMatchObject({ errorCode: 40, errorMessage: 'Unknown topic config name: what.ever' });
    expect(await call(1, [{ name: 'retention.ms', configOperation: 0, value: '1' }, { name: 'retention.ms', configOperation: 1, value: null }])).toMatchObject({ errorCode: 42 });
    expect(await call(1, [{ name: 'retention.ms', configOperation: 9, value: '1' }])).toMatchObject({ errorCode: 42 });
    expect(broker.store.getTopic('j')!.config).toEqual(cfg);
  });
});

describe('DeleteRecords', () => {
  it('-1 means the high watermark; beyond it is OFFSET_OUT_OF_RANGE; answers the low watermark', async () => {
    await broker.store.createTopic('k', 2);
    for (let i = 0; i < 5; i++) {
      await broker.store.append('k', 0, await encodeBatch([{ value: `v${i}` }]));
    }
    const res = await c.call(deleteRecords, 1, {
      topics: [
        {
          name: 'k',
          partitions: [
            { partitionIndex: 0, offset: 3n },
            { partitionIndex: 1, offset: 1n },
            { partitionIndex: 2, offset: 0n },
          ],
        },
        { name: 'nope', partitions: [{ partitionIndex: 0, offset: 0n }] },
      ],
      timeoutMs: 1000,
    });
    expect(res.topics).toEqual([
      {
        name: 'k',
        partitions: [
          { partitionIndex: 0, lowWatermark: 3n, errorCode: 0 },
          { partitionIndex: 1, lowWatermark: -1n, errorCode: 1 },
          { partitionIndex: 2, lowWatermark: -1n, errorCode: 3 },
        ],
      },
      { name: 'nope', partitions: [{ partitionIndex: 0, lowWatermark: -1n, errorCode: 3 }] },
    ]);
    const all = await c.call(deleteRecords, 0, { topics: [{ name: 'k', partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 1000 });
    expect(all.topics[0]!.partitions[0]).toEqual({ partitionIndex: 0, lowWatermark: 5n, errorCode: 0 });
    expect(broker.store.offsets('k', 0)).toEqual({ logStartOffset: 5, logEndOffset: 5 });
  });
});
