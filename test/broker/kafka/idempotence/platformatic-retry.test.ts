/**
 * @platformatic/kafka (idempotent: true) retrying a Produce across a broker restart: the batch is
 * appended, its response dropped by the proxy, the broker process SIGKILLed and restarted on the
 * same port; the client's retry (same producer id, epoch, sequence) must not store a second copy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../broker/logger.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { killGroup, kafkaPortOf, runBroker, type BrokerProcess } from '../../broker-process.js';
import { waitFor } from '../clients/line-process.js';
import { freePortPair, PROXY_HOST, SwallowProxy } from './swallow-proxy.js';

let dataDir: string;
let proxy: SwallowProxy;
let broker: BrokerProcess | undefined;

async function startBroker(port: number): Promise<void> {
  broker = runBroker({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_PORT: String(port), SLUICE_KAFKA_ADVERTISED_HOST: PROXY_HOST });
  await kafkaPortOf(broker);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-plt-idem-'));
  proxy = new SwallowProxy(await freePortPair());
  await proxy.start();
});
afterAll(async () => {
  if (broker) killGroup(broker.child);
  await proxy?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('@platformatic/kafka idempotent producer retry across a broker restart', () => {
  it('a batch appended before a SIGKILL and retried after the restart is stored once', async () => {
    await startBroker(proxy.port);
    const topic = `plt-idem-${Date.now()}`;
    const producer = new Producer({
      clientId: 'plt-idem-retry',
      bootstrapBrokers: [`${PROXY_HOST}:${proxy.port}`],
      serializers: stringSerializers,
      idempotent: true,
      autocreateTopics: true,
      retries: 40,
      retryDelay: 250,
    });
    try {
      const batch = (from: number) => Array.from({ length: 10 }, (_, i) => ({ topic, partition: 0, key: `k${from + i}`, value: `m${from + i}`, headers: new Map([['n', String(from + i)]]) }));
      await producer.send({ messages: batch(0) });

      proxy.armed = true;
      const retried = producer.send({ messages: batch(10) });
      retried.catch(() => {});
      await waitFor('second batch appended, its response swallowed', () => proxy.swallowed !== undefined, 60_000);
      killGroup(broker!.child);
      await broker!.exited;
      proxy.armed = false;
      const before = proxy.produceRequests.length;
      await startBroker(proxy.port);

      const result = await retried;
      expect(result.offsets?.[0]?.offset).toBe(10n);
      const retries = proxy.produceRequests.slice(before);
      const batchTail = proxy.swallowed!.subarray(proxy.swallowed!.length - 48, proxy.swallowed!.length - 3);
      expect(retries.some((r) => r.bytes.includes(batchTail))).toBe(true);
    } finally {
      await producer.close();
    }

    killGroup(broker!.child);
    await broker!.exited;
    broker = undefined;
    const store = new FileLogStore({ dataDir, logger: memoryLogger() });
    await store.open();
    try {
      const read = await store.read(topic, 0, 0, 1 << 24);
      const values = (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => r.value!.toString()));
      expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    } finally {
      await store.close();
    }
  }, 180_000);
});
