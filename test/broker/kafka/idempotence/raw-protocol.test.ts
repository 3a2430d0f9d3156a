/** Idempotent producer over the raw protocol: InitProducerId, duplicates, gaps, epochs, restart. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../broker/logger.js';
import { KafkaServer, type KafkaServerOptions } from '../../../../broker/kafka/kafka-server.js';
import { initProducerId, produce } from '../../../../broker/kafka/protocol/apis/index.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { encodeBatch } from '../../../../broker/records/encoder.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { RawClient } from '../handlers/helpers.js';

interface Node {
  store: FileLogStore;
  server: KafkaServer;
  client: RawClient;
}

let dir: string | undefined;
const nodes: Node[] = [];

async function startNode(d: string, options: Partial<KafkaServerOptions> = {}): Promise<Node> {
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir: d, logger });
  await store.open();
  const server = new KafkaServer({ host: '127.0.0.1', port: 0, logger, ...options, store, dataDir: d });
  const { port } = await server.start();
  const node = { store, server, client: await RawClient.connect(port) };
  nodes.push(node);
  return node;
}

async function stopNode(node: Node): Promise<void> {
  nodes.splice(nodes.indexOf(node), 1);
  node.client.close();
  await node.server.close();
  await node.store.close();
}

async function freshNode(options: Partial<KafkaServerOptions> = {}): Promise<Node> {
  dir = await mkdtemp(join(tmpdir(), 'sluice-idem-'));
  const node = await startNode(dir, options);
  await node.store.createTopic('t', 1);
  return node;
}

afterEach(async () => {
  for (const n of nodes.slice()) await stopNode(n);
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const body = (records: Buffer, topic = 't', index = 0) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 5000,
  topicData: [{ name: topic, partitionData: [{ index, records }] }],
});

const batch = (values: string[], producerId: number, baseSequence: number, producerEpoch = 0) =>
  encodeBatch(
    values.map((value) => ({ value })),
    { producerId, producerEpoch, baseSequence },
  );

async function send(c: RawClient, records: Buffer) {
  const res = await c.call(produce, 7, body(records));
  return res.responses[0]!.partitionResponses[0]!;
}

async function storedValues(store: FileLogStore): Promise<string[]> {
  const read = await store.read('t', 0, 0, 1 << 20);
  return (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

async function newProducerId(c: RawClient, version = 1): Promise<number> {
  const res = await c.call(initProducerId, version, { transactionalId: null, transactionTimeoutMs: -1 });
  expect(res).toMatchObject({ errorCode: 0, producerEpoch: 0 });
  return Number(res.producerId);
}

describe('InitProducerId', () => {
  it('v0 and v1 hand out distinct ids with epoch 0, unique across a restart', async () => {
    let node = await freshNode();
    const before = [await newProducerId(node.client, 0), await newProducerId(node.client, 1), await newProducerId(node.client, 1)];
    // Concurrent requests still get distinct ids.
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => newProducerId(node.client)));
    await stopNode(node);
    node = await startNode(dir!);
    const after = [await newProducerId(node.client), await newProducerId(node.client)];
    const all = [...before, ...concurrent, ...after];
    expect(new Set(all).size).toBe(all.length);
    expect(Math.min(...after)).toBeGreaterThan(Math.max(...before, ...concurrent));
  });

  it('answers a transactional id with COORDINATOR_NOT_AVAILABLE (no transactions)', async () => {
    const node = await freshNode();
    const res = await node.client.call(initProducerId, 1, { transactionalId: 'tx-1', transactionTimeoutMs: 60_000 });
    expect(res).toMatchObject({ errorCode: 15, producerId: -1n, producerEpoch: -1 });
  });
});

describe('idempotent Produce', () => {
  it('answers a resent batch with its original base offset and does not append it again', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    const b0 = await batch(['a', 'b'], pid, 0);
    const b1 = await batch(['c'], pid, 2);
    expect(await send(c, b0)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await send(c, b1)).toMatchObject({ errorCode: 0, baseOffset: 2n });
    expect(await send(c, b1)).toMatchObject({ errorCode: 0, baseOffset: 2n });
    expect(await send(c, b0)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(store.offsets('t', 0).logEndOffset).toBe(3);
    expect(await storedValues(store)).toEqual(['a', 'b', 'c']);
  });

  it('retains the last 5 batches: an older resend is out of order', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    const batches = await Promise.all([0, 1, 2, 3, 4, 5].map((s) => batch([`v${s}`], pid, s)));
    for (const [i, b] of batches.entries()) expect(await send(c, b)).toMatchObject({ errorCode: 0, baseOffset: BigInt(i) });
    expect(await send(c, batches[1]!)).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect(await send(c, batches[0]!)).toMatchObject({ errorCode: 45 });
    expect(store.offsets('t', 0).logEndOffset).toBe(6);
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER (45)', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    expect(await send(c, await batch(['a'], pid, 0))).toMatchObject({ errorCode: 0 });
    expect(await send(c, await batch(['gap'], pid, 2))).toMatchObject({ errorCode: 45, baseOffset: -1n });
    expect(await send(c, await batch(['b'], pid, 1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
    // Produce v8+ says why, in the partition's errorMessage.
    const v9 = await c.call(produce, 9, body(await batch(['gap'], pid, 7)));
    expect(v9.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 45, errorMessage: expect.stringContaining('sequence 7 does not follow') });
    expect(await storedValues(store)).toEqual(['a', 'b']);
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH (47); a new epoch starts at sequence 0', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    expect(await send(c, await batch(['e0'], pid, 0, 0))).toMatchObject({ errorCode: 0 });
    expect(await send(c, await batch(['e1-bad'], pid, 5, 1))).toMatchObject({ errorCode: 45 });
    expect(await send(c, await batch(['e1'], pid, 0, 1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect(await send(c, await batch(['e0-late'], pid, 1, 0))).toMatchObject({ errorCode: 47 });
    expect(await storedValues(store)).toEqual(['e0', 'e1']);
  });

  it('pipelined batches are checked in arrival order; a resend of an in-flight batch gets its offset', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    const bs = await Promise.all([0, 1, 2, 3, 4].map((s) => batch([`p${s}`], pid, s)));
    const results = await Promise.all([...bs, bs[4]!].map((b) => c.call(produce, 7, body(b))));
    const offsets = results.map((r) => r.responses[0]!.partitionResponses[0]!);
    expect(offsets.map((p) => p.errorCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(offsets.map((p) => p.baseOffset)).toEqual([0n, 1n, 2n, 3n, 4n, 4n]);
    expect(await storedValues(store)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('a failed append releases its sequence: the fixed resend is accepted', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    expect(await send(c, await batch(['a'], pid, 0))).toMatchObject({ errorCode: 0 });
    await store.alterTopicConfig('t', { maxMessageBytes: 100 });
    const big = await batch(['x'.repeat(200)], pid, 1);
    expect(await send(c, big)).toMatchObject({ errorCode: 10 });
    expect(await send(c, await batch(['b'], pid, 1))).toMatchObject({ errorCode: 0, baseOffset: 1n });
  });

  it('sequence numbers wrap at Int32.MAX', async () => {
    const { client: c, store } = await freshNode();
    const pid = await newProducerId(c);
    // Unknown producer: any first sequence is accepted (Kafka 2.5+).
    expect(await send(c, await batch(['m1', 'm0'], pid, 0x7ffffffe))).toMatchObject({ errorCode: 0 });
    expect(await send(c, await batch(['w0'], pid, 0))).toMatchObject({ errorCode: 0, baseOffset: 2n });
    expect(await send(c, await batch(['w0'], pid, 0))).toMatchObject({ errorCode: 0, baseOffset: 2n });
    expect(store.offsets('t', 0).logEndOffset).toBe(3);
  });

  it("unknownProducer 'reject': an unknown producer id must start at 0, else UNKNOWN_PRODUCER_ID (59)", async () => {
    const { client: c } = await freshNode({ unknownProducer: 'reject' });
    expect(await send(c, await batch(['x'], 77, 3))).toMatchObject({ errorCode: 59 });
    expect(await send(c, await batch(['x'], 77, 0))).toMatchObject({ errorCode: 0 });
  });

  it('non-idempotent batches (producerId -1) are not sequence-checked', async () => {
    const { client: c, store } = await freshNode();
    const b = await encodeBatch([{ value: 'plain' }]);
    expect(await send(c, b)).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect(await send(c, b)).toMatchObject({ errorCode: 0, baseOffset: 1n });
    expect(store.offsets('t', 0).logEndOffset).toBe(2);
  });

  it('after a broker restart the state is rebuilt from the log: a resend is still a duplicate', async () => {
    let node = await freshNode();
    const pid = await newProducerId(node.client);
    const other = await newProducerId(node.client);
    const mine = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((s) => batch([`m${s}`], pid, s)));
    for (const [i, b] of mine.entries()) {
      expect(await send(node.client, b)).toMatchObject({ errorCode: 0, baseOffset: BigInt(2 * i) });
      expect(await send(node.client, await batch(['o'], other, i))).toMatchObject({ errorCode: 0, baseOffset: BigInt(2 * i + 1) });
    }
    const endBefore = node.store.offsets('t', 0).logEndOffset;
    await stopNode(node);
    node = await startNode(dir!);
    // m6 was appended at offset 12 (m_i at 2i, other's batches at the odd offsets).
    expect(await send(node.client, mine[6]!)).toMatchObject({ errorCode: 0, baseOffset: 12n });
    expect(await send(node.client, mine[2]!)).toMatchObject({ errorCode: 0, baseOffset: 4n });
    expect(await send(node.client, mine[1]!)).toMatchObject({ errorCode: 45 });
    expect(await send(node.client, await batch(['gap'], pid, 9))).toMatchObject({ errorCode: 45 });
    expect(node.store.offsets('t', 0).logEndOffset).toBe(endBefore);
    expect(await send(node.client, await batch(['m7'], pid, 7))).toMatchObject({ errorCode: 0, baseOffset: BigInt(endBefore) });
  });
});
