/**
 * Committed offsets survive a broker restart: they live in `__consumer_offsets` in the store and
 * the coordinator replays them at start. A consumer of the restarted broker resumes exactly after
 * the committed offsets: nothing lost, only the uncommitted tail delivered again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaServer } from '../../../../broker/kafka/kafka-server.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { fastConsumer, ids, kafkaFor, recorder, waitFor, type Received } from './helpers.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-groups-restart-'));
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
    server,
    port,
    async stop() {
      await server.close();
      await store.close();
    },
  };
}

async function produce(port: number, topic: string, from: number, count: number): Promise<void> {
  const producer = kafkaFor(port).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` })) });
  } finally {
    await producer.disconnect();
  }
}

describe('consumer group offsets across a restart', () => {
  it('a new consumer after the restart resumes from the committed offsets', async () => {
    const topic = 'restart-orders';
    const groupId = 'restart-group';

    // First broker: 20 messages, all consumed, all but the last two of partition 0 committed.
    let b = await startBroker();
    await b.store.createTopic(topic, 2);
    await produce(b.port, topic, 0, 20);
    const first: Received[] = [];
    const c1 = fastConsumer(kafkaFor(b.port), groupId, { retry: { retries: 0 } });
    await c1.connect();
    await c1.subscribe({ topic, fromBeginning: true });
    await c1.run({ autoCommit: false, eachMessage: recorder('c1', first) });
    await waitFor(() => first.length >= 20, 20_000, '20 messages');
    const ends = [0, 1].map((p) => b.store.offsets(topic, p).logEndOffset);
    expect(ends[0]! + ends[1]!).toBe(20);
    expect(ends[0]).toBeGreaterThanOrEqual(2);
    const commitAt = [ends[0]! - 2, ends[1]!];
    await c1.commitOffsets(commitAt.map((offset, partition) => ({ topic, partition, offset: String(offset) })));
    await c1.disconnect();
    expect(new Set(ids(first)).size).toBe(20);
    await b.stop();

    // Second broker, same data dir.
    b = await startBroker();
    try {
      const fetched = b.server.groups!.fetchOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] });
      expect(fetched.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual(commitAt);
      expect(b.server.groups!.groupState(groupId)).toBe('Empty');
      await produce(b.port, topic, 20, 10);
      const second: Received[] = [];
      const c2 = fastConsumer(kafkaFor(b.port), groupId);
      await c2.connect();
      await c2.subscribe({ topic, fromBeginning: true });
      await c2.run({ eachMessage: recorder('c2', second) });
      try {
        await waitFor(() => second.length >= 12, 20_000, '12 messages');
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        await c2.disconnect();
      }
      // The two uncommitted messages of partition 0, then the 10 new ones; nothing else.
      expect(second).toHaveLength(12);
      expect(new Set(ids(second)).size).toBe(12);
      for (const r of second) expect(r.offset).toBeGreaterThanOrEqual(commitAt[r.partition]!);
      const redelivered = second.filter((r) => r.offset < ends[r.partition]!);
      expect(redelivered.map((r) => [r.partition, r.offset]).sort((x, y) => x[1]! - y[1]!)).toEqual([
        [0, ends[0]! - 2],
        [0, ends[0]! - 1],
      ]);
      const all = new Set([...first, ...second].map((r) => r.value));
      expect(all.size).toBe(30);
    } finally {
      await b.stop();
    }
  }, 60_000);
});
