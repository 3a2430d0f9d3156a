/**
 * Queue subscriptions through the REST API, over the in-process broker's queue engine: the
 * listing follows publish, receive and a dead-lettering nack; viewers may read it; an unknown
 * cluster is 404.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getBroker } from '../../../broker/runtime.js';
import * as topicsRoute from '../../../app/api/v1/clusters/[cluster]/topics/route.js';
import * as queuesRoute from '../../../app/api/v1/clusters/[cluster]/queues/route.js';
import { call } from '../api/harness.js';
import { freshTopic, json, startWorld, type World } from './harness.js';

vi.mock('server-only', () => ({}));

const C = 'built-in';
let w: World;

beforeAll(async () => {
  w = await startWorld();
}, 300_000);
afterAll(async () => {
  await w?.stop();
}, 60_000);

describe('GET /api/v1/clusters/:cluster/queues', () => {
  it('lists subscriptions with counts, config, dead-letter and expired topics', async () => {
    const topic = freshTopic('q');
    expect((await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C }, body: { name: topic, partitions: 2 } })).status).toBe(201);
    const queues = getBroker()!.queues!;
    await queues.createSubscription(topic, 'billing', { config: { maxAttempts: 1, ordering: 'key' } });
    await queues.publish(topic, ['a', 'b', 'c', 'd'].map((v) => ({ key: Buffer.from(v), value: Buffer.from(v) })));
    const [first] = await queues.receive(topic, 'billing', { max: 1 });
    await queues.nack(first!.receipt, { reason: 'test' });
    await queues.receive(topic, 'billing', { max: 1 });

    const res = await json<{ items: any[] }>(queuesRoute.GET, { ...w.viewer, params: { cluster: C } });
    expect(res.status).toBe(200);
    const sub = res.body.items.find((s) => s.queue === topic && s.subscription === 'billing');
    expect(sub).toMatchObject({
      depth: 2,
      inFlight: 1,
      delayed: 0,
      deadLettered: 1,
      expired: 0,
      consumers: null,
      backlog: 3,
      config: { maxAttempts: 1, ordering: 'key' },
      deadLetterTopic: `${topic}.billing.dlq`,
      expiredTopic: `${topic}.expired`,
      // maxAttempts 1: one bucket, the three unsettled messages on their first attempt.
      attempts: [3],
    });
    expect(sub.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1]);
    expect(sub.partitions.reduce((n: number, p: { end: number }) => n + p.end, 0)).toBe(4);
  });

  it('needs a sign-in, and an unknown cluster is 404', async () => {
    expect((await call(queuesRoute.GET, { params: { cluster: C } })).status).toBe(401);
    const missing = await json(queuesRoute.GET, { ...w.viewer, params: { cluster: 'no-such-cluster' } });
    expect(missing.status).toBe(404);
  });
});
