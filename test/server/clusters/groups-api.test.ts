/**
 * Consumer groups through the REST API with a real kafkajs consumer group on the in-process
 * broker: list, detail with lag, reset offsets (dry run by default; applying refused while the
 * group has members, applied after it leaves, audited with its parameters), delete.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../../server/db/client.js';
import * as topicsRoute from '../../../app/api/v1/clusters/[cluster]/topics/route.js';
import * as messagesRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/messages/route.js';
import * as groupsRoute from '../../../app/api/v1/clusters/[cluster]/groups/route.js';
import * as groupRoute from '../../../app/api/v1/clusters/[cluster]/groups/[group]/route.js';
import * as resetRoute from '../../../app/api/v1/clusters/[cluster]/groups/[group]/reset-offsets/route.js';
import { freshTopic, json, startWorld, type World } from './harness.js';

vi.mock('server-only', () => ({}));

const C = 'built-in';
let w: World;
let consumer: Consumer | undefined;

beforeAll(async () => {
  w = await startWorld();
}, 300_000);
afterAll(async () => {
  await consumer?.disconnect().catch(() => undefined);
  await w?.stop();
}, 60_000);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('consumer groups', () => {
  it('reset offsets: dry run by default, 409 while the group is active, applied and audited once it left', async () => {
    const topic = freshTopic('grp');
    const group = `${topic}-g`;
    const g = { cluster: C, group };
    expect((await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C }, body: { name: topic, partitions: 2 } })).status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const res = await json(messagesRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C, topic }, body: { partition: i % 2, value: `m${i}` } });
      expect(res.status).toBe(201);
    }

    const kafka = new Kafka({ clientId: 'sluice-api-groups', brokers: [w.kafkaBroker], logLevel: logLevel.NOTHING });
    consumer = kafka.consumer({ groupId: group, sessionTimeout: 30_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let consumed = 0;
    await consumer.run({ eachMessage: async () => void consumed++ });

    const active = await until('the group to be Stable with every offset committed', async () => {
      const res = await json(groupRoute.GET, { ...w.viewer, params: g });
      if (res.status !== 200 || res.body.state !== 'Stable') return undefined;
      const committed = res.body.offsets.reduce((sum: number, o: { committedOffset: number | null }) => sum + (o.committedOffset ?? 0), 0);
      return committed === 10 ? res.body : undefined;
    });
    expect(consumed).toBe(10);
    expect(active).toMatchObject({ groupId: group, members: 1, totalLag: 0, memberList: [expect.objectContaining({ clientId: 'sluice-api-groups' })] });

    const listed = await json(groupsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { search: group } });
    expect(listed.body).toEqual({ items: [expect.objectContaining({ groupId: group, state: 'Stable', members: 1, topics: [topic] })], nextCursor: null });

    const preview = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic, to: { kind: 'earliest' } } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ groupId: group, dryRun: true, applicable: false, groupState: 'Stable' });
    expect(preview.body.partitions).toEqual([
      { topic, partition: 0, previousOffset: 5, newOffset: 0, clamped: false },
      { topic, partition: 1, previousOffset: 5, newOffset: 0, clamped: false },
    ]);

    const refused = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic, to: { kind: 'earliest' }, apply: true } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect((await json(groupRoute.DELETE, { ...w.operator, method: 'DELETE', params: g })).status).toBe(409);
    const still = await json(groupRoute.GET, { ...w.viewer, params: g });
    expect(still.body.offsets.map((o: { committedOffset: number }) => o.committedOffset)).toEqual([5, 5]);

    await consumer.disconnect();
    consumer = undefined;
    await until('the group to be empty', async () => {
      const res = await json(groupRoute.GET, { ...w.viewer, params: g });
      return res.body.state === 'Empty' ? true : undefined;
    });

    const shift = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic, partitions: [1], to: { kind: 'shiftBy', delta: -2 } } });
    expect(shift.body).toMatchObject({ dryRun: true, applicable: true, partitions: [{ partition: 1, previousOffset: 5, newOffset: 3 }] });

    const applied = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic, to: { kind: 'earliest' }, apply: true } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ dryRun: false, applicable: true, groupState: 'Empty' });
    const after = await json(groupRoute.GET, { ...w.viewer, params: g });
    expect(after.body.offsets.map((o: { committedOffset: number; lag: number }) => [o.committedOffset, o.lag])).toEqual([
      [0, 5],
      [0, 5],
    ]);
    expect(after.body.totalLag).toBe(10);

    const audit = await getDb().auditEvent.findMany({ where: { action: 'group.reset-offsets', target: `cluster/${C}/group/${group}` } });
    expect(audit.map((a) => a.outcome).sort()).toEqual(['failure', 'success', 'success', 'success']);
    const applies = audit.filter((a) => JSON.parse(a.params).body?.apply === true);
    expect(applies.map((a) => a.outcome).sort()).toEqual(['failure', 'success']);
    const done = applies.find((a) => a.outcome === 'success')!;
    expect(JSON.parse(done.params)).toMatchObject({ params: { cluster: C, group }, body: { topic, to: { kind: 'earliest' }, apply: true } });
    expect(done.actor).toContain('olga');
    expect(applies.find((a) => a.outcome === 'failure')!.error).toContain('member');

    const badTarget = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic, to: { kind: 'sometime' } } });
    expect(badTarget.status).toBe(422);
    expect(badTarget.body.error.details.issues[0].path).toMatch(/^to/);
    const unknownTopic = await json(resetRoute.POST, { ...w.operator, method: 'POST', params: g, body: { topic: freshTopic('nope'), to: { kind: 'latest' } } });
    expect(unknownTopic.status).toBe(404);

    expect((await json(groupRoute.DELETE, { ...w.operator, method: 'DELETE', params: g })).status).toBe(204);
    const gone = await json(groupRoute.GET, { ...w.viewer, params: g });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('not_found');
  }, 180_000);

  it('unknown group → 404; group list paginates with a cursor', async () => {
    expect((await json(groupRoute.GET, { ...w.viewer, params: { cluster: C, group: 'no-such-group' } })).status).toBe(404);
    expect((await json(groupRoute.DELETE, { ...w.operator, method: 'DELETE', params: { cluster: C, group: 'no-such-group' } })).status).toBe(404);
    const page = await json(groupsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { limit: '1' } });
    expect(page.status).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(['items', 'nextCursor']);
  });
});
