/**
 * Cross-check against a real client: kafkajs 2.2.4's own request encoders (with its request
 * header v1 framing) are decoded by our codec, and our responses are decoded and parsed by
 * kafkajs's response decoders, at every version both sides implement.
 */
import { describe, expect, it } from 'vitest';
import { frameRequest, kRequest, kResponse, type KafkajsRequest } from './kafkajs.js';
import {
  decodeRequest,
  encodeResponse,
  apiVersionsResponseBody,
  type ApiDefinition,
  type DecodedRequest,
  type Message,
} from '../../../../broker/kafka/protocol/index.js';
import { apiVersions, fetch, listOffsets, metadata, produce } from '../../../../broker/kafka/protocol/apis/index.js';

/** Encode with kafkajs (size prefix + header v1 + body) and decode with ours. */
async function viaKafkajs(api: ApiDefinition, request: KafkajsRequest): Promise<Message> {
  const { buffer } = await frameRequest({ correlationId: 77, clientId: 'kafkajs-test', request });
  expect(buffer.readInt32BE(0)).toBe(buffer.length - 4);
  const d: DecodedRequest = decodeRequest(buffer.subarray(4));
  expect(d.kind).toBe('ok');
  expect(d.header).toEqual({ apiKey: api.apiKey, apiVersion: request.apiVersion, correlationId: 77, clientId: 'kafkajs-test' });
  if (d.kind !== 'ok') throw new Error('unsupported');
  return d.body;
}

/** Encode a response with ours, strip size + header v0, decode + parse with kafkajs. */
async function toKafkajs(api: ApiDefinition, v: number, name: string, body: Message) {
  const frame = encodeResponse(api, v, 77, body);
  expect(frame.readInt32BE(4)).toBe(77); // response header v0: correlation id only
  const r = kResponse(name, v);
  return r.parse(await r.decode(frame.subarray(8)));
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

async function kafkajsRecordBatch(): Promise<Buffer> {
  // A real record batch v2, as kafkajs produces it (taken out of its Produce v3 request).
  const req = kRequest('produce', 3)({
    acks: -1,
    timeout: 1000,
    topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k1', value: 'v1' }, { key: null, value: 'v2' }] }] }],
  });
  const body = await viaKafkajs(produce, req);
  const records = ((body.topicData as Message[])[0]!.partitionData as Message[])[0]!.records as Buffer;
  return Buffer.from(records);
}

describe('kafkajs requests decode with our codec', () => {
  it.each(range(0, 2))('ApiVersions v%i', async (v) => {
    const body = await viaKafkajs(apiVersions, kRequest('apiVersions', v)({}));
    expect(body).toEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
  });

  it.each(range(0, 6))('Metadata v%i', async (v) => {
    const body = await viaKafkajs(metadata, kRequest('metadata', v)({ topics: ['orders', 'payments'], allowAutoTopicCreation: false }));
    expect((body.topics as Message[]).map((t) => t.name)).toEqual(['orders', 'payments']);
    expect(body.allowAutoTopicCreation).toBe(v >= 4 ? false : true);
  });

  it.each(range(3, 7))('Produce v%i', async (v) => {
    const req = kRequest('produce', v)({
      acks: -1,
      timeout: 30000,
      transactionalId: v >= 3 ? null : undefined,
      topicData: [
        { topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'a', value: 'hello' }] }] },
        { topic: 'audit', partitions: [{ partition: 0, messages: [{ value: 'x' }, { value: 'y' }] }] },
      ],
    });
    const body = await viaKafkajs(produce, req);
    expect(body.transactionalId).toBeNull();
    expect(body.acks).toBe(-1);
    expect(body.timeoutMs).toBe(30000);
    const topics = body.topicData as Array<{ name: string; partitionData: Array<{ index: number; records: Buffer }> }>;
    expect(topics.map((t) => t.name)).toEqual(['orders', 'audit']);
    expect(topics[0]!.partitionData[0]!.index).toBe(2);
    for (const t of topics) {
      const batch = t.partitionData[0]!.records;
      expect(batch.readInt32BE(8) + 12).toBe(batch.length); // batchLength covers the rest
      expect(batch.readInt8(16)).toBe(2); // magic 2
    }
    expect(topics[1]!.partitionData[0]!.records.readInt32BE(57)).toBe(2); // recordsCount
  });

  it.each(range(0, 11))('Fetch v%i', async (v) => {
    const req = kRequest('fetch', v)({
      replicaId: -1,
      maxWaitTime: 5000,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      rackId: 'rack-a',
      topics: [{ topic: 'orders', partitions: [{ partition: 3, fetchOffset: '42', maxBytes: 1048576 }] }],
    });
    const body = await viaKafkajs(fetch, req);
    expect(body).toMatchObject({ replicaId: -1, maxWaitMs: 5000, minBytes: 1 });
    expect(body.maxBytes).toBe(v >= 3 ? 10485760 : 0x7fffffff);
    expect(body.isolationLevel).toBe(v >= 4 ? 1 : 0);
    expect(body.sessionEpoch).toBe(-1);
    expect(body.rackId).toBe(v >= 11 ? 'rack-a' : '');
    const p = (body.topics as Array<{ topic: string; partitions: Message[] }>)[0]!;
    expect(p.topic).toBe('orders');
    expect(p.partitions[0]).toMatchObject({ partition: 3, fetchOffset: 42n, partitionMaxBytes: 1048576, currentLeaderEpoch: -1 });
  });

  it.each(range(0, 3))('ListOffsets v%i', async (v) => {
    const req = kRequest('listOffsets', v)({
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -2 }, { partition: 1, timestamp: 1700000000000 }] }],
    });
    const body = await viaKafkajs(listOffsets, req);
    expect(body.replicaId).toBe(-1);
    expect(body.isolationLevel).toBe(v >= 2 ? 1 : 0);
    const parts = (body.topics as Array<{ name: string; partitions: Message[] }>)[0]!.partitions;
    expect(parts[0]).toMatchObject({ partitionIndex: 0, timestamp: -2n });
    expect(parts[1]).toMatchObject({ partitionIndex: 1, timestamp: 1700000000000n });
    if (v === 0) expect(parts[0]!.maxNumOffsets).toBe(1);
  });
});

describe('our responses decode with kafkajs', () => {
  it.each(range(0, 2))('ApiVersions v%i', async (v) => {
    const res = await toKafkajs(apiVersions, v, 'apiVersions', apiVersionsResponseBody());
    expect(res.errorCode).toBe(0);
    expect(res.apiVersions).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
    expect(res.apiVersions).toContainEqual({ apiKey: 1, minVersion: 0, maxVersion: 13 });
  });

  it.each(range(0, 6))('Metadata v%i', async (v) => {
    const res = await toKafkajs(metadata, v, 'metadata', {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'sluice-cluster',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        },
      ],
    });
    expect(res.brokers).toEqual([expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: 9092 })]);
    if (v >= 2) expect(res.clusterId).toBe('sluice-cluster');
    if (v >= 1) expect(res.controllerId).toBe(1);
    expect(res.topicMetadata[0]).toMatchObject({ topicErrorCode: 0, topic: 'orders' });
    expect(res.topicMetadata[0].partitionMetadata[0]).toMatchObject({ partitionId: 0, leader: 1, replicas: [1], isr: [1] });
  });

  it.each(range(3, 7))('Produce v%i', async (v) => {
    const res = await toKafkajs(produce, v, 'produce', {
      responses: [{ name: 'orders', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 1234567890123n, logAppendTimeMs: -1n, logStartOffset: 0n }] }],
      throttleTimeMs: 0,
    });
    expect(res.topics[0].topicName).toBe('orders');
    expect(res.topics[0].partitions[0]).toMatchObject({ partition: 2, errorCode: 0, baseOffset: '1234567890123', logAppendTime: '-1' });
    if (v >= 5) expect(res.topics[0].partitions[0].logStartOffset).toBe('0');
  });

  it.each(range(0, 11))('Fetch v%i', async (v) => {
    // v0-3 use the legacy MessageSet decoder in kafkajs: give them an empty record set.
    const batch = v >= 4 ? await kafkajsRecordBatch() : Buffer.alloc(0);
    const res = await toKafkajs(fetch, v, 'fetch', {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 2n,
              lastStableOffset: 2n,
              logStartOffset: 0n,
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: batch,
            },
          ],
        },
      ],
    });
    const p = res.responses[0].partitions[0];
    expect(res.responses[0].topicName).toBe('orders');
    expect(p).toMatchObject({ partition: 0, errorCode: 0, highWatermark: '2' });
    if (v >= 4) expect(p.lastStableOffset).toBe('2');
    if (v >= 11) expect(p.preferredReadReplica).toBe(-1);
    if (v >= 4) {
      expect(p.messages.map((m: { key: Buffer | null; value: Buffer }) => [m.key?.toString() ?? null, m.value.toString()])).toEqual([
        ['k1', 'v1'],
        [null, 'v2'],
      ]);
    } else {
      expect(p.messages).toEqual([]);
    }
  });

  it.each(range(0, 3))('ListOffsets v%i', async (v) => {
    const res = await toKafkajs(listOffsets, v, 'listOffsets', {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [17n], timestamp: -1n, offset: 17n }] }],
    });
    const p = res.responses[0].partitions[0];
    expect(res.responses[0].topic).toBe('orders');
    if (v === 0) expect(p.offsets).toEqual(['17']);
    else expect(p).toMatchObject({ partition: 0, errorCode: 0, timestamp: '-1', offset: '17' });
  });
});
