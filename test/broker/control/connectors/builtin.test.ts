/**
 * The connector contract against the built-in connector over a real broker (FileLogStore in a
 * temp dir + Kafka listener on port 0), plus what only the built-in connector promises.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuiltinConnector, sourceFromServer } from '../../../../broker/control/connectors/builtin/builtin-connector.js';
import { KafkaServer } from '../../../../broker/kafka/kafka-server.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { startQueues, type QueueEngine } from '../../../../broker/queues/index.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';
import { connectorContract, type ContractHarness } from './contract.js';
import { expectCode, fresh } from './helpers.js';

interface Running {
  dir: string;
  store: FileLogStore;
  server: KafkaServer;
  queues: QueueEngine;
  connector: BuiltinConnector;
  stop(): Promise<void>;
}

async function startBuiltin(dir?: string): Promise<Running> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'sluice-connector-')));
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir, logger });
  await store.open();
  const server = new KafkaServer({ store, dataDir, host: '127.0.0.1', port: 0, logger });
  await server.start();
  const queues = await startQueues(store, { logger });
  const connector = new BuiltinConnector({ name: 'local-test', source: sourceFromServer(store, server, { queues }) });
  return {
    dir: dataDir,
    store,
    server,
    queues,
    connector,
    async stop() {
      await queues.close();
      await server.close();
      await store.close();
    },
  };
}

connectorContract('built-in', async (): Promise<ContractHarness> => {
  const b = await startBuiltin();
  return {
    connector: b.connector,
    kafkaBrokers: [`127.0.0.1:${b.server.address()!.port}`],
    queueDriver: {
      async createSubscription(topic, name, maxAttempts) {
        await b.queues.createSubscription(topic, name, { config: { maxAttempts } });
      },
      async publish(topic, values) {
        await b.queues.publish(topic, values.map((v) => ({ value: Buffer.from(v) })));
      },
      async receive(topic, subscription, max) {
        return (await b.queues.receive(topic, subscription, { max })).map((m) => m.receipt);
      },
      async nack(receipt) {
        await b.queues.nack(receipt, { reason: 'contract' });
      },
    },
    async close() {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    },
  };
});

describe('built-in connector', () => {
  it('an applied reset is a committed offset in __consumer_offsets: it survives a restart', async () => {
    const first = await startBuiltin();
    try {
      const c = first.connector;
      const topic = fresh('bi-restart');
      const groupId = fresh('bi-group');
      await c.createTopic({ name: topic, partitions: 1 });
      for (let i = 0; i < 5; i++) await c.produceMessage({ topic, value: `v${i}` });
      // A group that exists with no members: an admin commit, as kafka-consumer-groups would make.
      await first.server.groups!.commitOffsets({ groupId, generationId: -1, memberId: '', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] });
      await c.resetOffsets({ groupId, topic, to: { kind: 'latest' }, dryRun: false });
      expect((await c.getGroup(groupId)).offsets[0]!.committedOffset).toBe(5);
      await first.stop();

      const second = await startBuiltin(first.dir);
      try {
        const g = await second.connector.getGroup(groupId);
        expect(g.offsets).toEqual([{ topic, partition: 0, committedOffset: 5, endOffset: 5, lag: 0, memberId: null }]);
        expect((await second.connector.listTopics({ includeInternal: true, search: '__consumer_offsets' })).items[0]?.internal).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(first.dir, { recursive: true, force: true });
    }
  });

  it('refuses to write or delete internal topics, and to replicate', async () => {
    const b = await startBuiltin();
    try {
      const c = b.connector;
      const topic = fresh('bi-internal');
      await c.createTopic({ name: topic });
      await b.server.groups!.commitOffsets({ groupId: fresh('g'), generationId: -1, memberId: '', topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0 }] }] });
      await expectCode(c.deleteTopic('__consumer_offsets'), 'INVALID', /internal/);
      await expectCode(c.produceMessage({ topic: '__consumer_offsets', value: 'x' }), 'INVALID', /internal/);
      await expectCode(c.createTopic({ name: fresh('bi-rf'), replicationFactor: 3 }), 'INVALID', /single node/);
    } finally {
      await b.stop();
      await rm(b.dir, { recursive: true, force: true });
    }
  });

  it('a stopped broker is UNAVAILABLE, naming the cluster', async () => {
    const b = await startBuiltin();
    const topic = fresh('bi-stopped');
    await b.connector.createTopic({ name: topic });
    let stopped = false;
    const watching = new BuiltinConnector({ name: 'watched', source: sourceFromServer(b.store, b.server, { running: () => !stopped }) });
    await b.stop();
    try {
      // The store itself refuses once closed, even when the source still claims to run.
      await expectCode(b.connector.browseMessages({ topic }), 'UNAVAILABLE', /"local-test" is unavailable/);
      await expectCode(b.connector.produceMessage({ topic, value: 'x' }), 'UNAVAILABLE', /local-test/);
      stopped = true;
      await expectCode(watching.listTopics(), 'UNAVAILABLE', /"watched" is unavailable/);
      await expectCode(watching.clusterInfo(), 'UNAVAILABLE', /watched/);
      await expectCode(watching.getGroup('g'), 'UNAVAILABLE', /watched/);
      await expectCode(watching.listQueueSubscriptions(), 'UNAVAILABLE', /watched/);
      const health = await watching.health();
      expect(health.status).toBe('down');
      expect(health.problems.join(' ')).toMatch(/not running/);
    } finally {
      await rm(b.dir, { recursive: true, force: true });
    }
  });
});
