import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiVersions, metadata, produce } from '../../../../broker/kafka/protocol/apis/index.js';
import { decodeResponse } from '../../../../broker/kafka/protocol/index.js';
import { requestFrame } from '../server/helpers.js';
import { RawClient, startTestBroker, type TestBroker } from './helpers.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  await broker.close();
});

describe('dispatcher', () => {
  it.each([0, 1, 2, 3])('answers ApiVersions v%i with every API that has a handler and its advertised range', async (v) => {
    const c = await RawClient.connect(broker.port);
    const res = await c.call(apiVersions, v, { clientSoftwareName: 'test', clientSoftwareVersion: '1.0' });
    expect(res.errorCode).toBe(0);
    // Sorted by key; the ranges of the Kafka APIs (other keys, e.g. SASL, are tested with them).
    const keys = res.apiKeys.map((k) => k.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(res.apiKeys).toEqual(
      expect.arrayContaining([
        { apiKey: 0, minVersion: 0, maxVersion: 9 },
        { apiKey: 1, minVersion: 0, maxVersion: 13 },
        { apiKey: 2, minVersion: 0, maxVersion: 7 },
        { apiKey: 3, minVersion: 0, maxVersion: 12 },
        { apiKey: 8, minVersion: 0, maxVersion: 8 },
        { apiKey: 9, minVersion: 0, maxVersion: 8 },
        { apiKey: 10, minVersion: 0, maxVersion: 5 },
        { apiKey: 11, minVersion: 0, maxVersion: 9 },
        { apiKey: 12, minVersion: 0, maxVersion: 4 },
        { apiKey: 13, minVersion: 0, maxVersion: 5 },
        { apiKey: 14, minVersion: 0, maxVersion: 5 },
        { apiKey: 15, minVersion: 0, maxVersion: 5 },
        { apiKey: 16, minVersion: 0, maxVersion: 5 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
        { apiKey: 19, minVersion: 0, maxVersion: 7 },
        { apiKey: 20, minVersion: 0, maxVersion: 6 },
        { apiKey: 21, minVersion: 0, maxVersion: 2 },
        { apiKey: 22, minVersion: 0, maxVersion: 4 },
        { apiKey: 32, minVersion: 0, maxVersion: 4 },
        { apiKey: 33, minVersion: 0, maxVersion: 2 },
        { apiKey: 37, minVersion: 0, maxVersion: 3 },
        { apiKey: 42, minVersion: 0, maxVersion: 2 },
        { apiKey: 44, minVersion: 0, maxVersion: 1 },
      ]),
    );
    c.close();
  });

  it('answers ApiVersions at an unknown version in v0 with UNSUPPORTED_VERSION (KIP-511) and keeps the connection', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(requestFrame(77, { apiKey: 18, apiVersion: 9 }));
    await expect.poll(() => c.rawResponses.length).toBe(1);
    const res = decodeResponse(apiVersions, 0, c.rawResponses[0]!);
    expect(res.correlationId).toBe(77);
    expect((res.body as { errorCode: number }).errorCode).toBe(35);
    const ok = await c.call(apiVersions, 0, {});
    expect(ok.errorCode).toBe(0);
    expect(c.isClosed).toBe(false);
    c.close();
  });

  it('closes the connection, with a logged reason, on an unknown API key', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(requestFrame(5, { apiKey: 999, apiVersion: 0 }));
    await c.closed;
    expect(broker.logger.entries.some((e) => e.level === 'warn' && e.msg.includes('unknown API key 999'))).toBe(true);
  });

  it('answers ApiVersions v3 with an invalid client software name or version with INVALID_REQUEST and no APIs (KIP-511)', async () => {
    const c = await RawClient.connect(broker.port);
    for (const [clientSoftwareName, clientSoftwareVersion] of [['@scoped/name', '1.0'], ['ok', ''], ['-dash', '1'], ['ok', '1.0-']]) {
      const res = await c.call(apiVersions, 3, { clientSoftwareName, clientSoftwareVersion });
      expect(res, `${clientSoftwareName} ${clientSoftwareVersion}`).toMatchObject({ errorCode: 42, apiKeys: [] });
    }
    // v0-2 carry no software name: nothing to validate.
    expect((await c.call(apiVersions, 2, {})).errorCode).toBe(0);
    expect((await c.call(apiVersions, 3, { clientSoftwareName: 'platformatic-kafka', clientSoftwareVersion: '1.35.0' })).errorCode).toBe(0);
    c.close();
  });

  it('closes the connection on a version that is not advertised (ListOffsets v8)', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(requestFrame(5, { apiKey: 2, apiVersion: 8, body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 1, 0]) }));
    await c.closed;
    expect(broker.logger.entries.some((e) => e.msg.includes('ListOffsets v8 is not supported'))).toBe(true);
  });

  it('closes the connection on a malformed body', async () => {
    const c = await RawClient.connect(broker.port);
    c.write(requestFrame(5, { apiKey: 3, apiVersion: 1, body: Buffer.from([0, 0, 0, 5]) }));
    await c.closed;
  });

  it('answers pipelined requests in order with their correlation ids', async () => {
    const c = await RawClient.connect(broker.port);
    const all = await Promise.all([
      c.call(metadata, 1, { topics: null }),
      c.call(apiVersions, 2, {}),
      c.call(metadata, 5, { topics: [], allowAutoTopicCreation: false }),
    ]);
    expect(all).toHaveLength(3);
    expect(c.received).toEqual([1, 2, 3]);
    c.close();
  });
});

describe('dispatcher: Produce v0-2', () => {
  // A magic-1 message set (what a v0-2 client sends): offset, size, crc, magic 1, attributes,
  // timestamp, key -1, value "v". Only its magic byte (at 16) matters to the broker.
  const messageSetV1 = Buffer.from('0000000000000000' + '0000001b' + '00000000' + '01' + '00' + '0000018bcfe56800' + 'ffffffff' + '00000001' + '76', 'hex');

  it.each([0, 1, 2])('answers v%i with UNSUPPORTED_FOR_MESSAGE_FORMAT for an old message set, and the connection stays open', async (v) => {
    const c = await RawClient.connect(broker.port);
    const res = await c.call(produce, v, { acks: -1, timeoutMs: 1000, topicData: [{ name: `old-format-${v}`, partitionData: [{ index: 0, records: messageSetV1 }] }] });
    expect(res.responses[0]!.partitionResponses[0]).toMatchObject({ index: 0, errorCode: 43, baseOffset: -1n });
    expect(c.isClosed).toBe(false);
    expect((await c.call(apiVersions, 0, {})).errorCode).toBe(0);
    c.close();
  });
});
