/**
 * The lag sampler on SQLite with the in-process broker and real kafkajs groups: lag and rate
 * from known commits, sampling only while watched, retention, one sampler per group under
 * concurrent reads, and the GET …/groups/:group/lag route.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as lagRoute from '../../../app/api/v1/clusters/[cluster]/groups/[group]/lag/route.js';
import { connectorFor, findCluster } from '../../../server/clusters/registry.js';
import { getDb } from '../../../server/db/client.js';
import { getLagSampler, LagSampler, type LagSamplerOptions } from '../../../server/lag/sampler.js';
import { readSeries } from '../../../server/lag/series.js';
import { memoryLogger } from '../../../broker/logger.js';
import { freshTopic, json, startWorld, type World } from '../clusters/harness.js';

vi.mock('server-only', () => ({}));

const C = 'built-in';
const HOUR = 3_600_000;
let w: World;
let admin: Admin;
let kafka: Kafka;
const samplers: LagSampler[] = [];

beforeAll(async () => {
  w = await startWorld();
  kafka = new Kafka({ clientId: 'sluice-lag-test', brokers: [w.kafkaBroker], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
}, 300_000);
afterAll(async () => {
  await Promise.all(samplers.map((s) => s.stop()));
  await getLagSampler(connectorFor).stop();
  await admin?.disconnect().catch(() => undefined);
  await w?.stop();
}, 60_000);

function sampler(o: Partial<LagSamplerOptions>): LagSampler {
  const s = new LagSampler({ intervalMs: 60_000, watchMs: 120_000, retentionMs: 24 * HOUR, pruneEveryMs: HOUR, connector: connectorFor, logger: memoryLogger(), ...o });
  samplers.push(s);
  return s;
}

/** A topic with `perPartition` messages in each of 2 partitions. */
async function topicWith(perPartition: number): Promise<string> {
  const topic = freshTopic('lag');
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  for (const partition of [0, 1]) {
    await producer.send({ topic, messages: Array.from({ length: perPartition }, (_, i) => ({ partition, value: `m${i}` })) });
  }
  await producer.disconnect();
  return topic;
}

const commit = (groupId: string, topic: string, p0: number, p1: number) =>
  admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: String(p0) }, { partition: 1, offset: String(p1) }] });

async function totalRows(clusterId: string, groupId: string): Promise<number> {
  return getDb().lagSample.count({ where: { clusterId, groupId, topic: '' } });
}

describe('lag sampler', () => {
  it('records total and per-topic lag, and the consumed rate from committed offset deltas', async () => {
    const [a, b] = [await topicWith(5), await topicWith(4)];
    const group = `${a}-g`;
    await commit(group, a, 2, 3); // lag 3 + 2
    await commit(group, b, 0, 0); // lag 4 + 4
    const cluster = await findCluster(getDb(), C);
    let now = Date.parse('2026-01-01T00:00:00Z');
    const s = sampler({ now: () => now });

    await s.watch(cluster, group);
    await commit(group, a, 5, 5); // +5 consumed
    await commit(group, b, 4, 1); // +5 consumed
    now += 100_000; // past the interval, so the read takes a fresh sample
    await s.watch(cluster, group);

    const series = await readSeries(getDb(), cluster.id, group, new Date(0));
    expect(series).toEqual([
      { at: now - 100_000, lag: 13, rate: null, byTopic: { [a]: 5, [b]: 8 } },
      { at: now, lag: 3, rate: 0.1, byTopic: { [a]: 0, [b]: 3 } },
    ]);
    const rates = await getDb().lagSample.findMany({ where: { groupId: group, at: new Date(now) }, orderBy: { topic: 'asc' }, select: { topic: true, rate: true } });
    expect(rates).toEqual([
      { topic: '', rate: 0.1 },
      { topic: a, rate: 0.05 },
      { topic: b, rate: 0.05 },
    ]);
  }, 120_000);

  it('samples on its timer while watched and stops once the watch expires', async () => {
    const topic = await topicWith(3);
    const group = `${topic}-g`;
    await commit(group, topic, 1, 1);
    const cluster = await findCluster(getDb(), C);
    const s = sampler({ intervalMs: 100, watchMs: 2_000 });
    await s.watch(cluster, group);
    expect(s.isSampling(cluster.id, group)).toBe(true);
    const deadline = Date.now() + 60_000;
    while (s.isSampling(cluster.id, group) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(s.isSampling(cluster.id, group)).toBe(false);
    const kept = await totalRows(cluster.id, group);
    expect(kept).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(await totalRows(cluster.id, group)).toBe(kept);
    const series = await readSeries(getDb(), cluster.id, group, new Date(0));
    expect(series.every((p) => p.lag === 4 && p.byTopic[topic] === 4)).toBe(true);
  }, 120_000);

  it('deletes rows older than the retention and keeps the rest', async () => {
    const cluster = await findCluster(getDb(), C);
    const group = `${freshTopic('lag')}-retention`;
    const now = Date.now();
    const row = (ageMs: number, topic: string) => ({ clusterId: cluster.id, groupId: group, topic, at: new Date(now - ageMs), lag: 7n, rate: null });
    await getDb().lagSample.createMany({ data: [row(25 * HOUR, ''), row(25 * HOUR, 't'), row(23 * HOUR, ''), row(1000, '')] });
    const s = sampler({ now: () => now });
    expect(await s.prune()).toBeGreaterThanOrEqual(2);
    const left = await getDb().lagSample.findMany({ where: { groupId: group }, orderBy: { at: 'asc' }, select: { at: true } });
    expect(left.map((r) => now - r.at.getTime())).toEqual([23 * HOUR, 1000]);
  }, 60_000);

  it('keeps one sampler per group: concurrent watches share one sample', async () => {
    const topic = await topicWith(2);
    const group = `${topic}-g`;
    await commit(group, topic, 0, 1);
    const cluster = await findCluster(getDb(), C);
    const s = sampler({});
    await Promise.all(Array.from({ length: 8 }, () => s.watch(cluster, group)));
    await Promise.all(Array.from({ length: 4 }, () => s.watch(cluster, group)));
    expect(await totalRows(cluster.id, group)).toBe(1);
  }, 60_000);
});

describe('GET /api/v1/clusters/:cluster/groups/:group/lag', () => {
  it('answers the series, keeps the group watched, and takes one sample for concurrent readers', async () => {
    const topic = await topicWith(6);
    const group = `${topic}-g`;
    await commit(group, topic, 2, 6);
    const params = { cluster: C, group };
    const answers = await Promise.all(Array.from({ length: 5 }, () => json(lagRoute.GET, { ...w.viewer, params, query: { minutes: '30' } })));
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual({ samples: [{ at: expect.any(Number), lag: 4, rate: null, byTopic: { [topic]: 4 } }], intervalSeconds: 5, retentionHours: 24 });
    }
    const cluster = await findCluster(getDb(), C);
    expect(getLagSampler(connectorFor).isSampling(cluster.id, group)).toBe(true);
  }, 60_000);

  it('refuses a bad window and unauthenticated callers, keeping nothing', async () => {
    const group = `${freshTopic('lag')}-bad`;
    const params = { cluster: C, group };
    const bad = await json(lagRoute.GET, { ...w.viewer, params, query: { minutes: '0' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('validation');
    expect((await json(lagRoute.GET, { params, query: { minutes: '30' } })).status).toBe(401);
    expect((await json(lagRoute.GET, { ...w.viewer, params: { cluster: 'no-such-cluster', group } })).status).toBe(404);
    expect(await getDb().lagSample.count({ where: { groupId: group } })).toBe(0);
  }, 60_000);
});
