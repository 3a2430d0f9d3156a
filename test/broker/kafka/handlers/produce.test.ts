import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiVersions, produce } from '../../../../broker/kafka/protocol/apis/index.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { encodeBatch } from '../../../../broker/records/encoder.js';
import { RawClient, startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
let c: RawClient;
beforeEach(async () => {
  broker = await startTestBroker();
  await broker.store.createTopic('orders', 2);
  c = await RawClient.connect(broker.port);
});
afterEach(async () => {
  c.close();
  await broker.close();
});

const produceBody = (acks: number, parts: { topic?: string; index: number; records: Buffer | null }[]) => ({
  transactionalId: null,
  acks,
  timeoutMs: 5000,
  topicData: [...new Set(parts.map((p) => p.topic ?? 'orders'))].map((name) => ({
    name,
    partitionData: parts.filter((p) => (p.topic ?? 'orders') === name).map((p) => ({ index: p.index, records: p.records })),
  })),
});

describe('Produce handler', () => {
  it.each([-1, 1])('acks=%i: appends every partition and answers base offsets once durable', async (acks) => {
    const a = await encodeBatch([{ key: 'k', value: 'v1' }, { value: 'v2' }]);
    const b = await encodeBatch([{ value: 'p1' }]);
    const first = await c.call(produce, 7, produceBody(acks, [{ index: 0, records: a }, { index: 1, records: b }]));
    expect(first.throttleTimeMs).toBe(0);
    expect(first.responses[0]!.partitionResponses).toEqual([
      expect.objectContaining({ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n }),
      expect.objectContaining({ index: 1, errorCode: 0, baseOffset: 0n }),
    ]);
    const second = await c.call(produce, 3, produceBody(acks, [{ index: 0, records: await encodeBatch([{ value: 'v3' }]) }]));
    expect(second.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 2n });
    const read = await broker.store.read('orders', 0, 0, 1 << 20);
    const batches = await decodeBatches(read.bytes);
    expect(batches.flatMap((x) => x.records.map((r) => r.value?.toString()))).toEqual(['v1', 'v2', 'v3']);
  });

  it('reports LogAppendTime topics with the broker time', async () => {
    await broker.store.createTopic('stamped', 1, { timestampType: 'LogAppendTime' });
    const before = Date.now();
    const res = await c.call(produce, 7, produceBody(-1, [{ topic: 'stamped', index: 0, records: await encodeBatch([{ value: 'x' }]) }]));
    const t = Number(res.responses[0]!.partitionResponses[0]!.logAppendTimeMs);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('acks=0: sends no response, but the append happens before the next response', async () => {
    const id = c.send(produce, 7, produceBody(0, [{ index: 0, records: await encodeBatch([{ value: 'fire' }]) }]));
    const next = await c.call(apiVersions, 0, {});
    expect(next.errorCode).toBe(0);
    expect(c.received).not.toContain(id);
    expect(broker.store.offsets('orders', 0).logEndOffset).toBe(1);
  });

  it('maps store failures to Kafka error codes per partition, without failing the others', async () => {
    const good = await encodeBatch([{ value: 'ok' }]);
    const corrupt = Buffer.from(await encodeBatch([{ value: 'bad crc' }]));
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1); // inside the CRC-covered records
    const truncated = (await encodeBatch([{ value: 'short' }])).subarray(0, 40);
    const res = await c.call(
      produce,
      7,
      produceBody(-1, [
        { index: 0, records: good },
        { index: 1, records: corrupt },
        { index: 7, records: good },
        { topic: 'other-but-bad!', index: 0, records: good },
      ]),
    );
    const byTopic = Object.fromEntries(res.responses.map((r) => [r.name, r.partitionResponses.map((p) => [p.index, p.errorCode])]));
    expect(byTopic).toEqual({
      orders: [
        [0, 0],
        [1, 2], // CORRUPT_MESSAGE
        [7, 3], // UNKNOWN_TOPIC_OR_PARTITION
      ],
      'other-but-bad!': [[0, 17]], // INVALID_TOPIC_EXCEPTION
    });
    const invalid = await c.call(produce, 7, produceBody(-1, [{ index: 0, records: truncated }, { index: 1, records: null }]));
    expect(invalid.responses[0]!.partitionResponses.map((p) => p.errorCode)).toEqual([87, 87]);
    expect(invalid.responses[0]!.partitionResponses[0]!.baseOffset).toBe(-1n);
  });

  it('answers MESSAGE_TOO_LARGE (10) above max.message.bytes', async () => {
    await broker.store.createTopic('small', 1, { maxMessageBytes: 1024 });
    const big = await encodeBatch([{ value: Buffer.alloc(4096, 1) }]);
    const res = await c.call(produce, 7, produceBody(-1, [{ topic: 'small', index: 0, records: big }]));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(10);
  });

  it('refuses zstd below Produce v7 (76) and invalid acks (21)', async () => {
    const zstdLike = Buffer.from(await encodeBatch([{ value: 'z' }]));
    zstdLike.writeInt16BE(4, 21);
    const res = await c.call(produce, 6, produceBody(-1, [{ index: 0, records: zstdLike }]));
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(76);
    const acks = await c.call(produce, 7, produceBody(2, [{ index: 0, records: await encodeBatch([{ value: 'a' }]) }]));
    expect(acks.responses[0]!.partitionResponses[0]!.errorCode).toBe(21);
    expect(broker.store.offsets('orders', 0).logEndOffset).toBe(0);
  });

  it.each([8, 9])('v%i: a refused partition carries the reason in errorMessage, recordErrors empty (all checks are per batch)', async (v) => {
    await broker.store.createTopic('tiny', 1, { maxMessageBytes: 1024 });
    const good = await encodeBatch([{ value: 'ok' }]);
    const corrupt = Buffer.from(await encodeBatch([{ value: 'bad crc' }]));
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    const magic1 = Buffer.from(good);
    magic1[16] = 1;
    const big = await encodeBatch([{ value: Buffer.alloc(4096, 1) }]);
    const res = await c.call(
      produce,
      v,
      produceBody(-1, [
        { index: 0, records: good },
        { index: 1, records: corrupt },
        { index: 9, records: good },
        { topic: 'tiny', index: 0, records: big },
        { topic: 'legacy', index: 0, records: magic1 },
        { topic: 'no good!', index: 0, records: good },
      ]),
    );
    const all = res.responses.flatMap((t) => t.partitionResponses.map((p) => ({ topic: t.name, ...p })));
    const find = (topic: string, index: number) => all.find((p) => p.topic === topic && p.index === index)!;
    expect(find('orders', 0)).toMatchObject({ errorCode: 0, errorMessage: null, recordErrors: [] });
    expect(find('orders', 1)).toMatchObject({ errorCode: 2, recordErrors: [], errorMessage: expect.stringMatching(/CRC/) });
    expect(find('orders', 9)).toMatchObject({ errorCode: 3, errorMessage: 'topic orders has no partition 9 (it has 2)' });
    expect(find('tiny', 0)).toMatchObject({ errorCode: 10, errorMessage: expect.stringContaining('max.message.bytes 1024') });
    expect(find('legacy', 0)).toMatchObject({ errorCode: 43, errorMessage: expect.stringContaining('magic 1') });
    expect(find('no good!', 0)).toMatchObject({ errorCode: 17, errorMessage: expect.stringContaining('not a valid topic name') });
    expect(broker.store.offsets('orders', 1).logEndOffset).toBe(0);

    const acks = await c.call(produce, v, produceBody(5, [{ index: 0, records: good }]));
    expect(acks.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 21, errorMessage: 'acks must be 0, 1 or -1, not 5' });
  });

  it('v7 has no errorMessage field: a refused partition decodes with the default null', async () => {
    const res = await c.call(produce, 7, produceBody(-1, [{ index: 0, records: null }]));
    expect(res.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 87, errorMessage: null });
  });

  it('auto-creates an unknown topic when the broker allows it', async () => {
    const res = await c.call(produce, 7, produceBody(1, [{ topic: 'brand-new', index: 0, records: await encodeBatch([{ value: 'n' }]) }]));
    expect(res.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(broker.store.getTopic('brand-new')?.partitions).toBe(1);
  });
});
