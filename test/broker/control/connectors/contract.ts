/**
 * The connector contract: the same tests against every ClusterConnector (built-in now; the
 * attached Kafka and RabbitMQ connectors register their own *.test.ts with a harness). Where a
 * connector declares an operation unsupported, the test checks that it says UNSUPPORTED instead.
 * Every test uses fresh topic and group names, so a harness may point at a shared cluster.
 */
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConnector } from '../../../../broker/control/connectors/index.js';
import { defineGroupContract } from './contract-groups.js';
import { defineMessageContract } from './contract-messages.js';
import { defineQueueContract } from './contract-queues.js';
import { defineTopicContract } from './contract-topics.js';
import { expectCode, fresh, kafkaClient, KAFKA_PROFILE, waitFor, whenSupported, type ContractContext, type ContractProfile, type QueueDriver } from './helpers.js';

export interface ContractHarness {
  connector: ClusterConnector;
  /** Kafka bootstrap servers for real clients, when the backend speaks Kafka; else null. */
  kafkaBrokers: string[] | null;
  /** Default KAFKA_PROFILE. */
  profile?: Partial<ContractProfile>;
  /** Required when the connector supports queues: the contract creates subscriptions with it. */
  queueDriver?: QueueDriver;
  close(): Promise<void>;
}

export function connectorContract(label: string, setup: () => Promise<ContractHarness>): void {
  describe(`connector contract: ${label}`, () => {
    let harness: ContractHarness | undefined;
    const ctx: ContractContext = {
      get connector() {
        if (!harness) throw new Error('harness not set up');
        return harness.connector;
      },
      get kafkaBrokers() {
        return harness?.kafkaBrokers ?? null;
      },
      get profile() {
        return { ...KAFKA_PROFILE, ...harness?.profile };
      },
      get queueDriver() {
        return harness?.queueDriver ?? null;
      },
      get multiPartition() {
        return ctx.connector.capabilities.addPartitions.supported;
      },
      createTopic(name, partitions = 1, configs = {}) {
        return ctx.connector.createTopic({ name, partitions: ctx.multiPartition ? partitions : 1, configs: { ...ctx.profile.topicConfigs, ...configs } });
      },
    };
    beforeAll(async () => {
      harness = await setup();
    });
    afterAll(async () => {
      await harness?.close();
    });

    describe('cluster', () => {
      it('describes itself, reports health and lists its nodes', async () => {
        const c = ctx.connector;
        const info = await c.clusterInfo();
        expect(info.name).toBe(c.name);
        expect(info.kind).toBe(c.kind);
        expect(info.nodes).toBeGreaterThanOrEqual(1);
        const health = await c.health();
        expect(health.status, health.problems.join('; ')).toBe('up');
        await whenSupported(c.capabilities.nodes, () => c.listNodes(), async () => {
          const nodes = await c.listNodes();
          expect(nodes.length).toBe(info.nodes);
          expect(nodes.filter((n) => n.isController).length).toBeLessThanOrEqual(1);
          for (const n of nodes) expect(n.port).toBeGreaterThan(0);
        });
      });

      it("per-topic traffic totals count that topic's traffic only (Kafka clients and console produce), or are null like the cluster's", async () => {
        const c = ctx.connector;
        const busy = fresh('traffic-busy');
        const idle = fresh('traffic-idle');
        await ctx.createTopic(busy, 1);
        await ctx.createTopic(idle, 1);
        await expectCode(c.trafficTotals(fresh('traffic-missing')), 'NOT_FOUND');
        const cluster = await c.trafficTotals();
        if (cluster === null || !ctx.kafkaBrokers) {
          expect(await c.trafficTotals(busy)).toBeNull();
          return;
        }
        const before = await c.trafficTotals(busy);
        expect(before).toMatchObject({ messagesIn: 0, bytesIn: 0 });
        const producer = kafkaClient(ctx.kafkaBrokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
        await producer.connect();
        try {
          await producer.send({ topic: busy, messages: Array.from({ length: 7 }, (_, i) => ({ value: `v${i}` })) });
        } finally {
          await producer.disconnect();
        }
        const after = await waitFor(() => c.trafficTotals(busy), (t) => (t?.messagesIn ?? 0) >= 7, 'seven messages counted in');
        expect(after!.messagesIn).toBe(7);
        expect(after!.bytesIn).toBeGreaterThan(0);
        expect(after!.at).toBeGreaterThanOrEqual(before!.at);
        expect(await c.trafficTotals(idle)).toMatchObject({ messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 });
        expect((await c.trafficTotals())!.messagesIn).toBeGreaterThanOrEqual(cluster.messagesIn + 7);
        // Produce from the console is traffic in too, counted where the cluster counts it.
        if (c.capabilities.produce.supported) {
          await c.produceMessage({ topic: idle, key: null, value: 'from the console' });
          const counted = await waitFor(() => c.trafficTotals(idle), (t) => (t?.messagesIn ?? 0) >= 1, 'console produce counted in');
          expect(counted).toMatchObject({ messagesIn: 1, messagesOut: 0 });
          expect(counted!.bytesIn).toBeGreaterThan(0);
        }
      });

      it('queue subscriptions are listed or refused as UNSUPPORTED, never faked', async () => {
        const c = ctx.connector;
        await whenSupported(c.capabilities.queues, () => c.listQueueSubscriptions(), async () => {
          const subs = await c.listQueueSubscriptions();
          for (const s of subs) for (const n of [s.depth, s.inFlight, s.delayed ?? 0, s.deadLettered ?? 0, s.expired ?? 0, s.consumers ?? 0]) expect(n).toBeGreaterThanOrEqual(0);
        });
      });
    });

    defineTopicContract(ctx);
    defineMessageContract(ctx);
    defineGroupContract(ctx);
    defineQueueContract(ctx);

    describe('unknown names', () => {
      it('every operation on an unknown topic or group is NOT_FOUND', async () => {
        const c = ctx.connector;
        const topic = `missing-topic-${Date.now()}`;
        const group = `missing-group-${Date.now()}`;
        await expectCode(c.getTopic(topic), 'NOT_FOUND', new RegExp(topic));
        await expectCode(c.getTopicConfigs(topic), 'NOT_FOUND');
        await expectCode(c.deleteTopic(topic), 'NOT_FOUND');
        await expectCode(c.addPartitions(topic, 4), 'NOT_FOUND');
        await expectCode(c.alterTopicConfigs(topic, { set: { [ctx.profile.config.name]: ctx.profile.config.changed } }), 'NOT_FOUND');
        await expectCode(c.browseMessages({ topic }), 'NOT_FOUND');
        await expectCode(c.searchMessages({ topic, filters: [{ field: 'key', match: { kind: 'contains', text: 'x' } }] }), 'NOT_FOUND');
        await expectCode(c.produceMessage({ topic, value: 'x' }), 'NOT_FOUND');
        await expectCode(c.getGroup(group), 'NOT_FOUND', new RegExp(group));
        await expectCode(c.deleteGroup(group), 'NOT_FOUND');
        await expectCode(c.resetOffsets({ groupId: group, topic, to: { kind: 'earliest' } }), 'NOT_FOUND');
      });
    });
  });
}
