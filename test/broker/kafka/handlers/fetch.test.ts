import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetch, produce } from '../../../../broker/kafka/protocol/apis/index.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { encodeBatch } from '../../../../broker/records/encoder.js';
import { RawClient, startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
let c: RawClient;
beforeEach(async () => {
  broker = await startTestBroker();
  await broker.store.createTopic('t', 2);
  c = await RawClient.connect(broker.port);
});
afterEach(async () => {
  c.close();
  await broker.close();
});

interface Part {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes?: number;
}
const fetchBody = (parts: Part[], opts: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; topic?: string } = {}) => ({
  replicaId: -1,
  maxWaitMs: opts.maxWaitMs ?? 0,
  minBytes: opts.minBytes ?? 1,
  maxBytes: opts.maxBytes ?? 1 << 20,
  isolationLevel: 1,
  sessionId: 0,
  sessionEpoch: -1,
  topics: [
    {
      topic: opts.topic ?? 't',
      topicId: '00000000-0000-0000-0000-000000000000',
      partitions: parts.map((p) => ({ partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n })),
    },
  ],
  forgottenTopicsData: [],
  rackId: '',
});

async function values(records: Buffer | null): Promise<string[]> {
  return (await decodeBatches(records ?? Buffer.alloc(0))).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

async function appendValues(partition: number, ...vals: string[]): Promise<number> {
  const batch = await encodeBatch(vals.map((value) => ({ value })));
  await broker.store.append('t', partition, batch);
  return batch.length;
}

describe('Fetch handler', () => {
  it('v13: names topics by their persisted id; an unknown id is UNKNOWN_TOPIC_ID (100) at once, even with a long wait', async () => {
    await appendValues(1, 'x', 'y');
    const id = broker.store.getTopic('t')!.id;
    const body = { ...fetchBody([{ partition: 1, fetchOffset: 0n }], { maxWaitMs: 10_000 }), topics: [{ ...fetchBody([{ partition: 1, fetchOffset: 0n }]).topics[0]!, topic: '', topicId: id }] };
    const res = await c.call(fetch, 13, body);
    expect(res.responses).toEqual([expect.objectContaining({ topicId: id, partitions: [expect.objectContaining({ partitionIndex: 1, errorCode: 0, highWatermark: 2n })] })]);
    expect(await values(res.responses[0]!.partitions[0]!.records)).toEqual(['x', 'y']);
    const unknown = 'abcdefab-0000-4000-8000-0000000000aa';
    const started = Date.now();
    const miss = await c.call(fetch, 13, { ...body, topics: [{ ...body.topics[0]!, topicId: unknown }] });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(miss.responses).toEqual([{ topic: '', topicId: unknown, partitions: [expect.objectContaining({ partitionIndex: 1, errorCode: 100, records: Buffer.alloc(0) })] }]);
  });

  it('v11: returns whole batches from the one containing fetch_offset, HW = LSO, log start, no follower fetching', async () => {
    await appendValues(0, 'a', 'b');
    await appendValues(0, 'c');
    const res = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 1n }, { partition: 1, fetchOffset: 0n }]));
    expect(res).toMatchObject({ throttleTimeMs: 0, errorCode: 0, sessionId: 0 });
    const [p0, p1] = res.responses[0]!.partitions;
    expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 3n, lastStableOffset: 3n, logStartOffset: 0n, preferredReadReplica: -1 });
    expect(await values(p0!.records)).toEqual(['a', 'b', 'c']); // the client skips offset 0 itself
    expect(p1).toMatchObject({ partitionIndex: 1, errorCode: 0, highWatermark: 0n });
    expect(p1!.records).toEqual(Buffer.alloc(0)); // empty, never null (§6.7)
  });

  it.each([0, 4])('works for old versions (v%i) too', async (v) => {
    await appendValues(0, 'x');
    const res = await c.call(fetch, v, fetchBody([{ partition: 0, fetchOffset: 0n }]));
    expect(await values(res.responses[0]!.partitions[0]!.records)).toEqual(['x']);
  });

  it('answers OFFSET_OUT_OF_RANGE (1) below the log start and above the end; the end itself is fine', async () => {
    await appendValues(0, 'a', 'b');
    await broker.store.deleteRecords('t', 0, 2);
    await appendValues(0, 'c');
    const res = await c.call(
      fetch,
      11,
      fetchBody([{ partition: 0, fetchOffset: 1n }, { partition: 0, fetchOffset: 4n }, { partition: 0, fetchOffset: 3n }], { maxWaitMs: 5000 }),
    );
    expect(res.responses[0]!.partitions.map((p) => [p.errorCode, p.highWatermark, p.logStartOffset])).toEqual([
      [1, 3n, 2n],
      [1, 3n, 2n],
      [0, 3n, 2n],
    ]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION (3) at once for unknown topics', async () => {
    const started = Date.now();
    const res = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }], { topic: 'missing', maxWaitMs: 5000 }));
    expect(res.responses[0]!.partitions[0]!.errorCode).toBe(3);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours partition_max_bytes and max_bytes without cutting batches; the first partition with data always gets one batch', async () => {
    const size = await appendValues(0, 'x'.repeat(200));
    await appendValues(0, 'y'.repeat(200));
    await appendValues(1, 'z'.repeat(200));
    // Both limits below one batch: the first partition with data still gets exactly one whole batch, the next none.
    const tiny = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10 }, { partition: 1, fetchOffset: 0n }], { maxBytes: 10 }));
    expect(tiny.responses[0]!.partitions[0]!.records!.length).toBe(size);
    expect(tiny.responses[0]!.partitions[1]!.records!.length).toBe(0);
    // partition_max_bytes fits one batch and a half: one batch.
    const one = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: Math.floor(size * 1.5) }]));
    expect(await values(one.responses[0]!.partitions[0]!.records)).toEqual(['x'.repeat(200)]);
    // max_bytes fits two batches: partition 0 takes both, partition 1 gets nothing.
    const two = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }, { partition: 1, fetchOffset: 0n }], { maxBytes: 2 * size + 10 }));
    expect(two.responses[0]!.partitions.map((p) => p.records!.length)).toEqual([2 * size, 0]);
  });

  it('long poll with no data answers after max_wait_ms, not before and not much later', async () => {
    const started = Date.now();
    const res = await c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }], { maxWaitMs: 500 }));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(1200); // generous for loaded CI machines; the wait itself is capped at max_wait
    expect(res.responses[0]!.partitions[0]!.records!.length).toBe(0);
  });

  it('long poll answers as soon as a Produce (other connection) brings data', async () => {
    const producer = await RawClient.connect(broker.port);
    const started = Date.now();
    const pending = c.call(fetch, 11, fetchBody([{ partition: 1, fetchOffset: 0n }], { maxWaitMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 150));
    await producer.call(produce, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 1, records: await encodeBatch([{ value: 'wake' }]) }] }],
    });
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await values(res.responses[0]!.partitions[0]!.records)).toEqual(['wake']);
    producer.close();
  });

  it('long poll also sees appends made directly on the store (re-check timer)', async () => {
    const pending = c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }], { maxWaitMs: 10_000 }));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await appendValues(0, 'direct');
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await values(res.responses[0]!.partitions[0]!.records)).toEqual(['direct']);
  });

  it('waits for min_bytes to accumulate', async () => {
    const size = await appendValues(0, 'first');
    const pending = c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }], { maxWaitMs: 10_000, minBytes: size + 1 }));
    let done = false;
    void pending.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    await appendValues(0, 'second');
    const res = await pending;
    expect(await values(res.responses[0]!.partitions[0]!.records)).toEqual(['first', 'second']);
  });

  it('answers waiting fetches early when the server shuts down', async () => {
    const pending = c.call(fetch, 11, fetchBody([{ partition: 0, fetchOffset: 0n }], { maxWaitMs: 20_000 }));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await broker.server.close();
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.responses[0]!.partitions[0]!.errorCode).toBe(0);
  });
});
