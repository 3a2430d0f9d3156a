/**
 * GET /api/v1/clusters/:cluster/overview against the in-process broker with real kafkajs
 * clients: traffic totals grow by exactly what was produced and fetched (per topic too, through
 * GET …/topics/:topic/traffic), counts follow topics and groups, and the lagging groups come worst
 * first.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as overviewRoute from '../../../app/api/v1/clusters/[cluster]/overview/route.js';
import * as topicsRoute from '../../../app/api/v1/clusters/[cluster]/topics/route.js';
import * as topicTrafficRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/traffic/route.js';
import { freshTopic, json, startWorld, type World } from './harness.js';

vi.mock('server-only', () => ({}));

const C = 'built-in';
let w: World;
let kafka: Kafka;

beforeAll(async () => {
  w = await startWorld();
  kafka = new Kafka({ clientId: 'sluice-api-overview', brokers: [w.kafkaBroker], logLevel: logLevel.NOTHING });
}, 300_000);
afterAll(async () => {
  await w?.stop();
}, 60_000);

const overview = async () => {
  const res = await json(overviewRoute.GET, { ...w.viewer, params: { cluster: C } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

async function createTopic(name: string, partitions: number): Promise<void> {
  const res = await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C }, body: { name, partitions } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function produce(topic: string, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `value-${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

describe('cluster overview', () => {
  it('counts topics and partitions, and traffic totals grow by exactly the produced count', async () => {
    const before = await overview();
    expect(before.health.status).toBe('up');
    expect(before.counts.subscriptions).toEqual(expect.any(Number));
    expect(before.traffic).toMatchObject({ messagesIn: expect.any(Number), bytesIn: expect.any(Number) });

    const topic = freshTopic('ovw');
    await createTopic(topic, 3);
    await produce(topic, 37);
    const after = await overview();
    expect(after.counts.topics).toBe(before.counts.topics + 1);
    expect(after.counts.partitions).toBe(before.counts.partitions + 3);
    expect(after.traffic.messagesIn - before.traffic.messagesIn).toBe(37);
    expect(after.traffic.bytesIn).toBeGreaterThan(before.traffic.bytesIn);
    expect(after.traffic.messagesOut).toBe(before.traffic.messagesOut);
    expect(after.traffic.at).toBeGreaterThanOrEqual(before.traffic.at);
  }, 120_000);

  it('lists groups with lag worst first, leaving out groups that are caught up', async () => {
    const topic = freshTopic('ovw-lag');
    await createTopic(topic, 1);
    await produce(topic, 20);
    // Real groups that consumed nothing: offsets committed through the Kafka admin API, as an
    // operator would place a new group before starting its consumers.
    const admin = kafka.admin();
    await admin.connect();
    const far = `${topic}-far`;
    const near = `${topic}-near`;
    const done = `${topic}-done`;
    try {
      await admin.setOffsets({ groupId: far, topic, partitions: [{ partition: 0, offset: '0' }] });
      await admin.setOffsets({ groupId: near, topic, partitions: [{ partition: 0, offset: '15' }] });
      await admin.setOffsets({ groupId: done, topic, partitions: [{ partition: 0, offset: '20' }] });
    } finally {
      await admin.disconnect();
    }

    const body = await overview();
    expect(body.counts.groups).toBeGreaterThanOrEqual(3);
    const ours = body.laggingGroups.filter((g: { groupId: string }) => g.groupId.startsWith(topic));
    expect(ours).toEqual([
      { groupId: far, state: 'Empty', totalLag: 20 },
      { groupId: near, state: 'Empty', totalLag: 5 },
    ]);
    const lags = body.laggingGroups.map((g: { totalLag: number }) => g.totalLag);
    expect(lags).toEqual([...lags].sort((a, b) => b - a));
    expect(body.laggingGroups.length).toBeLessThanOrEqual(5);
  }, 120_000);

  it('counts messages fetched by a consumer as traffic out', async () => {
    const topic = freshTopic('ovw-out');
    await createTopic(topic, 1);
    await produce(topic, 12);
    const before = await overview();
    const consumer = kafka.consumer({ groupId: `${topic}-g`, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      let consumed = 0;
      await consumer.run({ eachMessage: async () => void consumed++ });
      const deadline = Date.now() + 90_000;
      while (consumed < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(consumed).toBe(12);
    } finally {
      await consumer.disconnect();
    }
    const after = await overview();
    expect(after.traffic.messagesOut - before.traffic.messagesOut).toBeGreaterThanOrEqual(12);
    expect(after.traffic.bytesOut).toBeGreaterThan(before.traffic.bytesOut);
    expect(after.traffic.messagesIn).toBe(before.traffic.messagesIn);
  }, 120_000);

  it("per-topic traffic (GET …/topics/:topic/traffic) counts that topic's messages in and out only", async () => {
    const busy = freshTopic('ovw-topic');
    const idle = freshTopic('ovw-idle');
    await createTopic(busy, 2);
    await createTopic(idle, 1);
    const read = async (topic: string) => {
      const res = await json(topicTrafficRoute.GET, { ...w.viewer, params: { cluster: C, topic } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.traffic;
    };
    expect(await read(busy)).toMatchObject({ messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 });
    await produce(busy, 9);
    const produced = await read(busy);
    expect(produced).toMatchObject({ messagesIn: 9, messagesOut: 0 });
    expect(produced.bytesIn).toBeGreaterThan(0);

    const consumer = kafka.consumer({ groupId: `${busy}-g`, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: busy, fromBeginning: true });
      let consumed = 0;
      await consumer.run({ eachMessage: async () => void consumed++ });
      const deadline = Date.now() + 90_000;
      while (consumed < 9 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(consumed).toBe(9);
    } finally {
      await consumer.disconnect();
    }
    const fetched = await read(busy);
    expect(fetched.messagesOut).toBeGreaterThanOrEqual(9);
    expect(fetched.bytesOut).toBeGreaterThan(0);
    expect(fetched.messagesIn).toBe(9);
    expect(await read(idle)).toMatchObject({ messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0 });

    expect((await json(topicTrafficRoute.GET, { params: { cluster: C, topic: busy } })).status).toBe(401);
    expect((await json(topicTrafficRoute.GET, { ...w.viewer, params: { cluster: C, topic: freshTopic('ovw-missing') } })).status).toBe(404);
  }, 120_000);

  it('refuses a viewer without a token and an unknown cluster', async () => {
    expect((await json(overviewRoute.GET, { params: { cluster: C } })).status).toBe(401);
    const unknown = await json(overviewRoute.GET, { ...w.viewer, params: { cluster: 'no-such-cluster' } });
    expect(unknown.status).toBe(404);
  });
});
