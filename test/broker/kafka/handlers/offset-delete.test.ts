/**
 * OffsetDelete (API 47) end to end: @platformatic/kafka's admin.deleteConsumerGroupOffsets
 * removes committed offsets, the deletion survives a restart (tombstones in __consumer_offsets),
 * and an active consumer group keeps the offsets of topics it subscribes to
 * (GROUP_SUBSCRIBED_TO_TOPIC), as Kafka does.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaServer } from '../../../../broker/kafka/kafka-server.js';
import { offsetDelete } from '../../../../broker/kafka/protocol/apis/index.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { pltAdmin } from '../clients/platformatic.js';
import { fastConsumer, kafkaFor, waitFor } from '../groups/helpers.js';
import { RawClient } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-offset-delete-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startBroker() {
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir: dir, logger });
  await store.open();
  const server = new KafkaServer({ host: '127.0.0.1', port: 0, logger, store, dataDir: dir, groups: { initialRebalanceDelayMs: 0 } });
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

async function committed(port: number, groupId: string, topic: string): Promise<Record<number, string>> {
  const admin = kafkaFor(port).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(t!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

describe('OffsetDelete', () => {
  it('deletes committed offsets of the given partitions only, and the deletion survives a restart', async () => {
    const topic = `od-${randomUUID()}`;
    const groupId = `od-group-${randomUUID()}`;
    let b = await startBroker();
    await b.store.createTopic(topic, 2);
    const kadmin = kafkaFor(b.port).admin();
    await kadmin.connect();
    await kadmin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '5' }, { partition: 1, offset: '7' }] });
    await kadmin.disconnect();
    expect(await committed(b.port, groupId, topic)).toEqual({ 0: '5', 1: '7' });

    const admin = pltAdmin(b.port);
    try {
      await admin.deleteConsumerGroupOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] });
    } finally {
      await admin.close();
    }
    expect(await committed(b.port, groupId, topic)).toEqual({ 0: '-1', 1: '7' });

    await b.stop();
    b = await startBroker();
    try {
      expect(await committed(b.port, groupId, topic)).toEqual({ 0: '-1', 1: '7' });
    } finally {
      await b.stop();
    }
  }, 60_000);

  it('answers GROUP_SUBSCRIBED_TO_TOPIC for a topic an active group consumes, and deletes the others', async () => {
    const subscribed = `od-sub-${randomUUID()}`;
    const other = `od-other-${randomUUID()}`;
    const groupId = `od-active-${randomUUID()}`;
    const b = await startBroker();
    const consumer = fastConsumer(kafkaFor(b.port), groupId);
    try {
      await b.store.createTopic(subscribed, 1);
      await b.store.createTopic(other, 1);
      const kadmin = kafkaFor(b.port).admin();
      await kadmin.connect();
      await kadmin.setOffsets({ groupId, topic: subscribed, partitions: [{ partition: 0, offset: '3' }] });
      await kadmin.setOffsets({ groupId, topic: other, partitions: [{ partition: 0, offset: '4' }] });
      await consumer.connect();
      await consumer.subscribe({ topics: [subscribed] });
      await consumer.run({ eachMessage: async () => undefined });
      await waitFor(async () => (await kadmin.describeGroups([groupId])).groups[0]?.state === 'Stable', 30_000, 'a stable group');
      await kadmin.disconnect();

      const raw = await RawClient.connect(b.port);
      const res = await raw.call(offsetDelete, 0, {
        groupId,
        topics: [
          { name: subscribed, partitions: [{ partitionIndex: 0 }] },
          { name: other, partitions: [{ partitionIndex: 0 }] },
        ],
      });
      expect(res).toEqual({
        errorCode: 0,
        throttleTimeMs: 0,
        topics: [
          { name: subscribed, partitions: [{ partitionIndex: 0, errorCode: 86 }] },
          { name: other, partitions: [{ partitionIndex: 0, errorCode: 0 }] },
        ],
      });
      const unknown = await raw.call(offsetDelete, 0, { groupId: `nobody-${randomUUID()}`, topics: [{ name: other, partitions: [{ partitionIndex: 0 }] }] });
      expect(unknown.errorCode).toBe(69); // GROUP_ID_NOT_FOUND
      raw.close();
      expect(await committed(b.port, groupId, other)).toEqual({ 0: '-1' });
    } finally {
      await consumer.disconnect();
      await b.stop();
    }
  }, 90_000);
});
