import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOffsets } from '../../../../broker/kafka/protocol/apis/index.js';
import { encodeBatch } from '../../../../broker/records/encoder.js';
import { RawClient, startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
let c: RawClient;
const T0 = 1_700_000_000_000;

beforeEach(async () => {
  broker = await startTestBroker();
  await broker.store.createTopic('t', 1);
  for (let i = 0; i < 3; i++) {
    await broker.store.append('t', 0, await encodeBatch([{ value: `a${i}`, timestamp: T0 + i * 1000 }, { value: `b${i}`, timestamp: T0 + i * 1000 + 1 }]));
  }
  await broker.store.deleteRecords('t', 0, 2);
  c = await RawClient.connect(broker.port);
});
afterEach(async () => {
  c.close();
  await broker.close();
});

const query = (partitionIndex: number, timestamp: bigint, topic = 't') => ({
  replicaId: -1,
  isolationLevel: 0,
  topics: [{ name: topic, partitions: [{ partitionIndex, timestamp, maxNumOffsets: 1, currentLeaderEpoch: -1 }] }],
});

describe('ListOffsets handler', () => {
  it.each([1, 2, 3])('v%i: -2 is the log start, -1 the log end (timestamp -1)', async (v) => {
    const earliest = await c.call(listOffsets, v, query(0, -2n));
    expect(earliest.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 2n, timestamp: -1n });
    const latest = await c.call(listOffsets, v, { ...query(0, -1n), isolationLevel: 1 });
    expect(latest.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 6n, timestamp: -1n });
  });

  it('finds the first batch at or after a timestamp, and answers -1 past the end', async () => {
    const hit = await c.call(listOffsets, 1, query(0, BigInt(T0 + 1500)));
    expect(hit.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 4n });
    const miss = await c.call(listOffsets, 1, query(0, BigInt(T0 + 999_999)));
    expect(miss.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('v1+ by timestamp answers the found record\'s own offset and timestamp, not the requested time', async () => {
    const between = await c.call(listOffsets, 1, query(0, BigInt(T0 + 1500)));
    expect(between.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 4n, timestamp: BigInt(T0 + 2000) });
    // Inside a batch: the second record of the third batch.
    const inside = await c.call(listOffsets, 4, query(0, BigInt(T0 + 2001)));
    expect(inside.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 5n, timestamp: BigInt(T0 + 2001) });
    // Before the log start (records 0-1 were deleted): the first readable record.
    const early = await c.call(listOffsets, 7, query(0, BigInt(T0 - 5000)));
    expect(early.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 2n, timestamp: BigInt(T0 + 1000) });
  });

  it('by timestamp, out-of-order timestamps in a compressed batch: the first record at or after the time', async () => {
    await broker.store.createTopic('ooo', 1);
    await broker.store.append('ooo', 0, await encodeBatch([{ value: 'x', timestamp: T0 + 100 }, { value: 'late', timestamp: T0 + 300 }, { value: 'y', timestamp: T0 + 200 }], { compression: 'gzip' }));
    const res = await c.call(listOffsets, 2, query(0, BigInt(T0 + 150), 'ooo'));
    expect(res.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 1n, timestamp: BigInt(T0 + 300) });
  });

  it('v0 answers exactly one old-style offset', async () => {
    const latest = await c.call(listOffsets, 0, query(0, -1n));
    expect(latest.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, oldStyleOffsets: [6n] });
    const earliest = await c.call(listOffsets, 0, query(0, -2n));
    expect(earliest.topics[0]!.partitions[0]!.oldStyleOffsets).toEqual([2n]);
    const future = await c.call(listOffsets, 0, query(0, BigInt(T0 + 999_999)));
    expect(future.topics[0]!.partitions[0]!.oldStyleOffsets).toEqual([6n]);
  });

  it('v7: -3 answers the record with the largest timestamp (the earliest on ties), wherever it sits', async () => {
    await broker.store.createTopic('m', 2);
    await broker.store.append('m', 0, await encodeBatch([{ value: 'a', timestamp: T0 + 100 }, { value: 'max', timestamp: T0 + 300 }, { value: 'c', timestamp: T0 + 200 }], { compression: 'gzip' }));
    await broker.store.append('m', 0, await encodeBatch([{ value: 'd', timestamp: T0 + 250 }, { value: 'tie', timestamp: T0 + 300 }]));
    await broker.store.append('m', 0, await encodeBatch([{ value: 'e', timestamp: T0 + 50 }]));
    const res = await c.call(listOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'm', partitions: [0, 1].map((partitionIndex) => ({ partitionIndex, timestamp: -3n, currentLeaderEpoch: -1, maxNumOffsets: 1 })) }] });
    expect(res.topics[0]!.partitions).toEqual([
      expect.objectContaining({ partitionIndex: 0, errorCode: 0, offset: 1n, timestamp: BigInt(T0 + 300) }),
      expect.objectContaining({ partitionIndex: 1, errorCode: 0, offset: -1n, timestamp: -1n }),
    ]);
    // The log start moved past the batches before the maximum: only what is left counts.
    const main = await c.call(listOffsets, 7, query(0, -3n));
    expect(main.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, offset: 5n, timestamp: BigInt(T0 + 2001) });
  });

  it('-3 (MAX_TIMESTAMP) before v7 is UNSUPPORTED_VERSION (35)', async () => {
    const res = await c.call(listOffsets, 6, query(0, -3n));
    expect(res.topics[0]!.partitions[0]).toMatchObject({ errorCode: 35, offset: -1n });
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION (3) for unknown topics and partitions', async () => {
    const a = await c.call(listOffsets, 1, query(0, -1n, 'missing'));
    const b = await c.call(listOffsets, 1, query(5, -1n));
    expect([a.topics[0]!.partitions[0]!.errorCode, b.topics[0]!.partitions[0]!.errorCode]).toEqual([3, 3]);
  });
});
