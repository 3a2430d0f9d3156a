/** Real idempotent producers against the broker: kafkajs (idempotent: true) and librdkafka
 * (kcat -X enable.idempotence=true). Both call InitProducerId, then produce with sequences. */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kcat, requireKcat } from '../clients/kcat.js';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.close();
});

async function stored(topic: string) {
  const read = await broker.store.read(topic, 0, 0, 1 << 24);
  return decodeBatches(read.bytes);
}

describe('idempotent clients', () => {
  it('kafkajs idempotent producer: 100 messages, exactly 100 stored, with its producer id and sequences', async () => {
    const kafka = new Kafka({ clientId: 'idem', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await producer.connect();
    try {
      for (let i = 0; i < 100; i += 10) {
        await producer.send({ topic: 'idem-kafkajs', messages: Array.from({ length: 10 }, (_, j) => ({ value: `m${i + j}` })) });
      }
    } finally {
      await producer.disconnect();
    }
    const batches = await stored('idem-kafkajs');
    const values = batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
    expect(batches.every((b) => b.header.producerId >= 0 && b.header.producerId === batches[0]!.header.producerId)).toBe(true);
    expect(batches.map((b) => b.header.baseSequence)).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
  });

  it('kcat -X enable.idempotence=true produces', async () => {
    requireKcat();
    const lines = Array.from({ length: 50 }, (_, i) => `k${i}:v${i}`);
    await kcat(['-b', `127.0.0.1:${broker.port}`, '-P', '-t', 'idem-kcat', '-K:', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'], {
      input: lines.join('\n') + '\n',
    });
    const batches = await stored('idem-kcat');
    const values = batches.flatMap((b) => b.records.map((r) => `${r.key!.toString()}:${r.value!.toString()}`));
    expect(values).toEqual(lines);
    expect(batches.every((b) => b.header.producerId >= 0)).toBe(true);
  });
});
