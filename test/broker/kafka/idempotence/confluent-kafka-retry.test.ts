/**
 * librdkafka (python confluent-kafka, enable.idempotence=True) retrying a Produce across a broker
 * restart: the broker appended the batch, its response was dropped by the proxy, the broker
 * process was SIGKILLed and restarted on the same port, and librdkafka's own retry (same producer
 * id, epoch and sequences) must be answered without a second copy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../../broker/logger.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { killGroup, kafkaPortOf, runBroker, type BrokerProcess } from '../../broker-process.js';
import { runOps, waitFor, type LineProcess } from '../clients/line-process.js';
import { freePortPair, PROXY_HOST, SwallowProxy } from './swallow-proxy.js';

let dataDir: string;
let proxy: SwallowProxy;
let broker: BrokerProcess | undefined;
let client: LineProcess | undefined;

async function startBroker(port: number): Promise<void> {
  broker = runBroker({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_PORT: String(port), SLUICE_KAFKA_ADVERTISED_HOST: PROXY_HOST });
  await kafkaPortOf(broker);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-ck-idem-'));
  proxy = new SwallowProxy(await freePortPair());
  await proxy.start();
});
afterAll(async () => {
  client?.kill();
  if (broker) killGroup(broker.child);
  await proxy?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('librdkafka idempotent producer retry across a broker restart', () => {
  it('a batch appended before a SIGKILL and retried after the restart is stored once', async () => {
    await startBroker(proxy.port);
    const topic = `ck-idem-${Date.now()}`;
    const n = 10;
    client = runOps({ cmd: 'idempotent', bootstrap: `${PROXY_HOST}:${proxy.port}`, topic, batch: n });
    await waitFor('first batch delivered', () => client!.events('flushed').length > 0, 60_000, client);
    expect(client.events('flushed')[0]!.left).toBe(0);

    proxy.armed = true;
    client.child.stdin.write('go\n');
    await waitFor('second batch appended, its response swallowed', () => proxy.swallowed !== undefined, 60_000, client);
    killGroup(broker!.child);
    await broker!.exited;
    proxy.armed = false;
    const before = proxy.produceRequests.length;
    await startBroker(proxy.port);

    await waitFor('producer flushed', () => client!.events('done').length > 0, 120_000, client);
    const done = client.events('done')[0]! as unknown as { left: number; reports: { error: string | null; offset: number; value: string }[] };
    expect(done.left).toBe(0);
    expect(done.reports.filter((r) => r.error !== null)).toEqual([]);
    expect(done.reports.map((r) => r.offset)).toEqual(Array.from({ length: 2 * n }, (_, i) => i));

    // The retry was real: the same record batch (producer id, sequence, records) went out again
    // on a new connection to the restarted broker.
    const retries = proxy.produceRequests.slice(before);
    expect(retries.length).toBeGreaterThan(0);
    const batchTail = proxy.swallowed!.subarray(proxy.swallowed!.length - 48, proxy.swallowed!.length - 3);
    expect(retries.some((r) => r.bytes.includes(batchTail))).toBe(true);

    killGroup(broker!.child);
    await broker!.exited;
    broker = undefined;
    const store = new FileLogStore({ dataDir, logger: memoryLogger() });
    await store.open();
    try {
      const read = await store.read(topic, 0, 0, 1 << 24);
      const values = (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => r.value!.toString()));
      expect(values).toEqual(Array.from({ length: 2 * n }, (_, i) => `m${i}`));
    } finally {
      await store.close();
    }
  }, 180_000);
});
