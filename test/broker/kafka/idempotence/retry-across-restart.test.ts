/**
 * The case idempotence exists for: the broker appended a batch, the client never saw the answer,
 * and the broker restarted before the client retried. The retry (same producer id, epoch and
 * sequence) reaches a broker whose producer state was rebuilt from the log, which must answer
 * with the original offset instead of appending a second copy.
 *
 * kafkajs (idempotent: true) is the client. Its socket is wrapped so that responses can be
 * swallowed: the Produce is written and appended, its response is dropped, the broker is stopped
 * (closing the connection, which kafkajs treats as retriable) and restarted on the same port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaServer } from '../../../../broker/kafka/kafka-server.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';

let dir: string;
let store: FileLogStore;
let server: KafkaServer;
let port = 0;

async function start(): Promise<void> {
  const logger = memoryLogger();
  store = new FileLogStore({ dataDir: dir, logger });
  await store.open();
  server = new KafkaServer({ host: '127.0.0.1', port, logger, store, dataDir: dir });
  port = (await server.start()).port;
}

async function stop(): Promise<void> {
  await server.close();
  await store.close();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-idem-restart-'));
  await start();
});
afterAll(async () => {
  await stop().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe('idempotent producer retry across a broker restart', () => {
  it('a batch appended before the restart and retried after it is stored once, at its original offset', async () => {
    let swallow = false;
    const kafka = new Kafka({
      clientId: 'idem-restart',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
      socketFactory: ({ host, port: p, onConnect }) => {
        const socket = connect({ host, port: p }, onConnect);
        const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
        socket.emit = ((event: string | symbol, ...args: unknown[]) => (event === 'data' && swallow ? true : emit(event, ...args))) as typeof socket.emit;
        return socket;
      },
    });
    const topic = `idem-restart-${Date.now()}`;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });

    swallow = true;
    const retried = producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${10 + i}` })) });
    // Appended (and fsynced: the default flush policy) while the client still waits for an answer.
    const deadline = Date.now() + 30_000;
    while ((store.getTopic(topic) ? store.offsets(topic, 0).logEndOffset : 0) < 20) {
      if (Date.now() > deadline) throw new Error('second batch never appended');
      await new Promise((r) => setTimeout(r, 20));
    }
    await stop();
    swallow = false;
    await start();

    const [result] = await retried;
    await producer.disconnect();
    expect(result?.baseOffset).toBe('10');

    const read = await store.read(topic, 0, 0, 1 << 24);
    const values = (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => r.value!.toString()));
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  }, 120_000);
});
