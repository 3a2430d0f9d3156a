/**
 * @platformatic/kafka 1.35 committed offsets across a broker restart: a group member commits part
 * of what it read (OffsetCommit v8), closes; the broker stops and starts again on the same data
 * dir; a new member of the group resumes exactly at the committed offsets (OffsetFetch v8):
 * nothing before them again, nothing after them lost, including messages produced after the
 * restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaServer } from '../../../../broker/kafka/kafka-server.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { closeConsumer, pltConsumer, pltProducer, record, waitUntil, type StringMessage } from './platformatic.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-plt-restart-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startBroker() {
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir: dir, logger });
  await store.open();
  const server = new KafkaServer({ host: '127.0.0.1', port: 0, logger, store, dataDir: dir });
  const { port } = await server.start();
  return {
    store,
    port,
    async stop() {
      await server.close();
      await store.close();
    },
  };
}

async function produce(port: number, topic: string, round: string, perPartition: number): Promise<void> {
  const producer = pltProducer(port);
  try {
    const messages = [0, 1].flatMap((partition) => Array.from({ length: perPartition }, (_, i) => ({ topic, partition, key: `k${i}`, value: `${round}-p${partition}-${i}` })));
    await producer.send({ messages, acks: -1 });
  } finally {
    await producer.close();
  }
}

const seen = (got: StringMessage[]) => got.map((m) => `${m.partition}@${m.offset}:${m.value}`).sort();

describe('@platformatic/kafka offsets across a broker restart', () => {
  it('a new member after the restart resumes from the committed offsets, nothing lost or repeated', async () => {
    const topic = 'plt-restart-orders';
    const groupId = 'plt-restart-group';

    let broker = await startBroker();
    await broker.store.createTopic(topic, 2);
    await produce(broker.port, topic, 'before', 10);
    const consumer = pltConsumer(broker.port, groupId, 'plt-restart-1');
    const first: StringMessage[] = [];
    try {
      const stream = await consumer.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
      record(stream, first);
      await waitUntil('the first member to read all 20', () => first.length >= 20);
      // Commit partition 0 through offset 5 (next: 6) and partition 1 through offset 2 (next: 3).
      await first.find((m) => m.partition === 0 && m.offset === 5n)!.commit();
      await first.find((m) => m.partition === 1 && m.offset === 2n)!.commit();
      await stream.close();
    } finally {
      await closeConsumer(consumer);
    }
    expect(first).toHaveLength(20);
    await broker.stop();

    broker = await startBroker();
    try {
      await produce(broker.port, topic, 'after', 2);
      const resumed = pltConsumer(broker.port, groupId, 'plt-restart-2');
      const second: StringMessage[] = [];
      try {
        const stream = await resumed.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
        record(stream, second);
        // Uncommitted: p0 offsets 6-9 + 2 new, p1 offsets 3-9 + 2 new = 15.
        await waitUntil('the resumed member to read the uncommitted tail', () => second.length >= 15);
        // A little longer: anything extra (a re-read before the committed offsets) would show.
        await new Promise((r) => setTimeout(r, 1000));
        await stream.close();
      } finally {
        await closeConsumer(resumed);
      }
      const expected = [
        ...[6, 7, 8, 9].map((i) => `0@${i}:before-p0-${i}`),
        ...[3, 4, 5, 6, 7, 8, 9].map((i) => `1@${i}:before-p1-${i}`),
        ...[0, 1].flatMap((i) => [`0@${10 + i}:after-p0-${i}`, `1@${10 + i}:after-p1-${i}`]),
      ].sort();
      expect(seen(second)).toEqual(expected);
    } finally {
      await broker.stop();
    }
  }, 120_000);
});
