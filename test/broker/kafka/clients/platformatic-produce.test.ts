/**
 * @platformatic/kafka 1.35 producing (Produce v9, flexible) and reading back (Fetch v12,
 * ListOffsets v6): keys, headers and every compression codec the client can run, and the
 * idempotent producer (InitProducerId v4 + sequence numbers). What the broker stored is checked
 * both through the client and straight from the log.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressionsAlgorithms, type CompressionAlgorithmValue } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { closeConsumer, freshTopic, pltAdmin, pltConsumer, pltProducer, record, waitUntil, type StringMessage } from './platformatic.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

/** Reads every record of one partition back with a group-less consumer stream. */
async function readAll(topic: string, expected: number): Promise<StringMessage[]> {
  const consumer = pltConsumer(broker.port, freshTopic('plt-reader'));
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    const got = record(stream);
    await waitUntil(`${expected} messages of ${topic}`, () => got.length >= expected);
    await stream.close();
    return got;
  } finally {
    await closeConsumer(consumer);
  }
}

// zstd needs zlib.zstdCompressSync (Node 22.15+); the client marks it unavailable otherwise.
const codecs = (Object.keys(compressionsAlgorithms) as CompressionAlgorithmValue[]).filter((c) => compressionsAlgorithms[c].available);

describe('@platformatic/kafka producer', () => {
  it('sees exactly the codecs its runtime supports (zstd only with zlib zstd)', () => {
    expect(codecs).toEqual(typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function' ? ['none', 'gzip', 'snappy', 'lz4', 'zstd'] : ['none', 'gzip', 'snappy', 'lz4']);
  });

  it.each(codecs)('produces keys, values and headers compressed with %s, stored and read back intact', async (compression) => {
    const topic = freshTopic(`plt-${compression}`);
    await broker.store.createTopic(topic, 1);
    const producer = pltProducer(broker.port);
    try {
      const messages = Array.from({ length: 20 }, (_, i) => ({
        topic,
        partition: 0,
        key: `key-${i}`,
        value: `value-${i}-${'x'.repeat(i * 10)}`,
        headers: { 'trace-id': `t${i}`, origin: 'plt' },
      }));
      const result = await producer.send({ messages, compression, acks: -1 });
      expect(result.offsets).toEqual([{ topic, partition: 0, offset: 0n }]);
    } finally {
      await producer.close();
    }
    expect(broker.store.offsets(topic, 0).logEndOffset).toBe(20);
    // The stored batch carries the producer's codec (attributes bits 0-2), untouched.
    const stored = await decodeBatches((await broker.store.read(topic, 0, 0, 1 << 20)).bytes);
    expect(stored.map((b) => b.header.compression)).toEqual(stored.map(() => compression));
    expect(stored.flatMap((b) => b.records.map((r) => r.key?.toString()))).toEqual(Array.from({ length: 20 }, (_, i) => `key-${i}`));

    const got = await readAll(topic, 20);
    expect(got.map((m) => [m.offset, m.key, m.value, Object.fromEntries(m.headers)])).toEqual(
      Array.from({ length: 20 }, (_, i) => [BigInt(i), `key-${i}`, `value-${i}-${'x'.repeat(i * 10)}`, { 'trace-id': `t${i}`, origin: 'plt' }]),
    );
  });

  it('an idempotent producer gets a producer id and its batches carry it with sequences from 0', async () => {
    const topic = freshTopic('plt-idem');
    await broker.store.createTopic(topic, 1);
    const producer = pltProducer(broker.port, { idempotent: true });
    try {
      for (let i = 0; i < 3; i++) {
        await producer.send({ messages: [{ topic, partition: 0, key: `k${i}`, value: `v${i}` }, { topic, partition: 0, key: `k${i}b`, value: `v${i}b` }], acks: -1 });
      }
      const info = producer.producerId;
      expect(typeof info).toBe('bigint');
      const batches = await decodeBatches((await broker.store.read(topic, 0, 0, 1 << 20)).bytes);
      expect(batches.map((b) => [BigInt(b.header.producerId), b.header.baseSequence, b.records.length])).toEqual([
        [info, 0, 2],
        [info, 2, 2],
        [info, 4, 2],
      ]);
    } finally {
      await producer.close();
    }
    expect((await readAll(topic, 6)).map((m) => m.value)).toEqual(['v0', 'v0b', 'v1', 'v1b', 'v2', 'v2b']);
  });

  it('lists offsets (ListOffsets v6) of a produced topic', async () => {
    const topic = freshTopic('plt-offsets');
    await broker.store.createTopic(topic, 2);
    const producer = pltProducer(broker.port);
    try {
      await producer.send({ messages: Array.from({ length: 5 }, (_, i) => ({ topic, partition: 1, value: `v${i}` })), acks: -1 });
    } finally {
      await producer.close();
    }
    const admin = pltAdmin(broker.port);
    try {
      const partitions = [0, 1].flatMap((partitionIndex) => [-1n, -2n].map((timestamp) => ({ partitionIndex, timestamp })));
      const listed = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
      const found = listed.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.offset]));
      // Latest (-1) and earliest (-2) per partition, in request order.
      expect(found).toEqual([
        [topic, 0, 0n],
        [topic, 0, 0n],
        [topic, 1, 5n],
        [topic, 1, 0n],
      ]);
    } finally {
      await admin.close();
    }
  });
});
