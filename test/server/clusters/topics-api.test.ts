/**
 * The cluster REST API over the built-in connector, through the real route handlers, a real
 * broker in process and a real SQLite metadata DB: topics, configs, messages, roles, errors,
 * attached-cluster registration and a stopped broker.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stopBroker } from '../../../broker/runtime.js';
import { getDb } from '../../../server/db/client.js';
import * as clustersRoute from '../../../app/api/v1/clusters/route.js';
import * as clusterRoute from '../../../app/api/v1/clusters/[cluster]/route.js';
import * as nodesRoute from '../../../app/api/v1/clusters/[cluster]/nodes/route.js';
import * as topicsRoute from '../../../app/api/v1/clusters/[cluster]/topics/route.js';
import * as topicRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/route.js';
import * as partitionsRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/partitions/route.js';
import * as configsRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/configs/route.js';
import * as messagesRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/messages/route.js';
import * as searchRoute from '../../../app/api/v1/clusters/[cluster]/topics/[topic]/messages/search/route.js';
import * as groupsRoute from '../../../app/api/v1/clusters/[cluster]/groups/route.js';
import * as groupRoute from '../../../app/api/v1/clusters/[cluster]/groups/[group]/route.js';
import * as resetRoute from '../../../app/api/v1/clusters/[cluster]/groups/[group]/reset-offsets/route.js';
import { freshTopic, json, startWorld, type World } from './harness.js';

vi.mock('server-only', () => ({}));

const C = 'built-in';
let w: World;

beforeAll(async () => {
  w = await startWorld();
}, 300_000);
afterAll(async () => w?.stop(), 60_000);

const t = (topic: string) => ({ cluster: C, topic });

async function createTopic(name: string, partitions = 1) {
  const res = await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C }, body: { name, partitions } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('clusters', () => {
  it('lists the built-in cluster with its health and no secrets column', async () => {
    const res = await json(clustersRoute.GET, { ...w.viewer });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const builtin = res.body.items.find((c: { name: string }) => c.name === C);
    expect(builtin).toMatchObject({ kind: 'builtin', hasSecrets: false, health: { status: 'up', problems: [] } });
    expect(builtin).not.toHaveProperty('secrets');
  });

  it('answers info, health, capabilities and nodes', async () => {
    const res = await json(clusterRoute.GET, { ...w.viewer, params: { cluster: C } });
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ name: C, kind: 'builtin', nodes: 1 });
    expect(res.body.capabilities.createTopic).toEqual({ supported: true });
    expect(res.body.health.status).toBe('up');
    const nodes = await json(nodesRoute.GET, { ...w.viewer, params: { cluster: C } });
    expect(nodes.body.items).toEqual([expect.objectContaining({ id: 0, host: '127.0.0.1', port: Number(w.kafkaBroker.split(':')[1]), isController: true })]);
  });

  it('unknown cluster → 404 naming it, on reads and writes', async () => {
    const read = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: 'nope' } });
    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ code: 'not_found', message: 'cluster "nope" does not exist', details: { cluster: 'nope' } });
    const write = await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: 'nope' }, body: { name: freshTopic() } });
    expect(write.status).toBe(404);
  });
});

describe('topics', () => {
  it('create → detail → list with search → add partitions → delete with a typed confirmation', async () => {
    const name = freshTopic('life');
    const created = await createTopic(name, 2);
    expect(created).toMatchObject({ name, partitions: 2, partitionInfo: [expect.objectContaining({ partition: 0, low: 0, high: 0 }), expect.anything()] });
    const again = await json(topicsRoute.POST, { ...w.operator, method: 'POST', params: { cluster: C }, body: { name } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const list = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { search: name } });
    expect(list.body).toEqual({ items: [expect.objectContaining({ name, partitions: 2 })], nextCursor: null });

    const grown = await json(partitionsRoute.POST, { ...w.operator, method: 'POST', params: t(name), body: { totalPartitions: 3 } });
    expect(grown.status).toBe(200);
    expect(grown.body.partitions).toBe(3);
    const shrink = await json(partitionsRoute.POST, { ...w.operator, method: 'POST', params: t(name), body: { totalPartitions: 1 } });
    expect(shrink.status).toBe(422);

    const noConfirm = await json(topicRoute.DELETE, { ...w.operator, method: 'DELETE', params: t(name) });
    expect(noConfirm.status).toBe(422);
    const wrongConfirm = await json(topicRoute.DELETE, { ...w.operator, method: 'DELETE', params: t(name), query: { confirm: `${name}x` } });
    expect(wrongConfirm.status).toBe(409);
    expect(wrongConfirm.body.error.code).toBe('confirmation_mismatch');
    expect((await json(topicRoute.GET, { ...w.viewer, params: t(name) })).status).toBe(200);

    const deleted = await json(topicRoute.DELETE, { ...w.operator, method: 'DELETE', params: t(name), query: { confirm: name } });
    expect(deleted.status).toBe(204);
    const gone = await json(topicRoute.GET, { ...w.viewer, params: t(name) });
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toContain('built-in');
    // Sorted, not by time: events in the same millisecond have no defined order.
    const audit = await getDb().auditEvent.findMany({ where: { target: `cluster/${C}/topic/${name}` } });
    expect(audit.map((a) => `${a.action} ${a.outcome}`).sort()).toEqual([
      'topic.add-partitions failure',
      'topic.add-partitions success',
      'topic.create failure',
      'topic.create success',
      'topic.delete failure', // wrong confirmation (the missing one never parsed, so its target is the URL)
      'topic.delete success',
    ]);
  });

  it('paginates with { items, nextCursor } until the cursor runs out', async () => {
    const prefix = freshTopic('page');
    const names = [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    for (const n of names) await createTopic(n);
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const res = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { search: prefix, limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      seen.push(...res.body.items.map((i: { name: string }) => i.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    const desc = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { search: prefix, order: 'desc', limit: '1' } });
    expect(desc.body.items[0].name).toBe(names[4]);
    const bad = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { cursor: 'not-a-cursor!' } });
    expect(bad.status).toBe(422);
    const badLimit = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C }, query: { limit: '0' } });
    expect(badLimit.status).toBe(422);
    expect(badLimit.body.error.details.issues[0].path).toBe('limit');
  });

  it('configs: validateOnly previews the diff and changes nothing; PATCH applies it', async () => {
    const name = freshTopic('cfg');
    await createTopic(name);
    const preview = await json(configsRoute.PATCH, { ...w.operator, method: 'PATCH', params: t(name), body: { set: { 'retention.ms': '60000' }, validateOnly: true } });
    expect(preview.status).toBe(200);
    expect(preview.body.validateOnly).toBe(true);
    expect(preview.body.changes).toEqual([expect.objectContaining({ name: 'retention.ms', after: '60000', isDefault: false })]);
    const unchanged = await json(configsRoute.GET, { ...w.viewer, params: t(name) });
    expect(unchanged.body.items.find((e: { name: string }) => e.name === 'retention.ms')).toMatchObject({ isDefault: true });

    const applied = await json(configsRoute.PATCH, { ...w.operator, method: 'PATCH', params: t(name), body: { set: { 'retention.ms': '60000' } } });
    expect(applied.body.changes.map((c: { name: string }) => c.name)).toEqual(['retention.ms']);
    const after = await json(configsRoute.GET, { ...w.viewer, params: t(name) });
    expect(after.body.items.find((e: { name: string }) => e.name === 'retention.ms')).toMatchObject({ value: '60000', isDefault: false });

    const nothing = await json(configsRoute.PATCH, { ...w.operator, method: 'PATCH', params: t(name), body: {} });
    expect(nothing.status).toBe(422);
    const badValue = await json(configsRoute.PATCH, { ...w.operator, method: 'PATCH', params: t(name), body: { set: { 'retention.ms': 'soon' } } });
    expect(badValue.status).toBe(422);
  });
});

describe('messages', () => {
  it('produce → browse (newest, oldest, offset, partition) → search → 404 for an unknown topic', async () => {
    const name = freshTopic('msg');
    await createTopic(name, 2);
    for (let i = 0; i < 6; i++) {
      const res = await json(messagesRoute.POST, {
        ...w.operator,
        method: 'POST',
        params: t(name),
        body: { partition: i % 2, key: `k${i}`, value: JSON.stringify({ n: i, kind: i === 3 ? 'refund' : 'order' }), headers: [{ key: 'trace', value: `t${i}` }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ topic: name, partition: i % 2, offset: Math.floor(i / 2) });
    }
    const newest = await json(messagesRoute.GET, { ...w.viewer, params: t(name), query: { limit: '2', partitions: '0' } });
    expect(newest.status).toBe(200);
    expect(newest.body.messages.map((m: { offset: number }) => m.offset)).toEqual([2, 1]); // newest first
    expect(newest.body.messages[0].value).toMatchObject({ encoding: 'json', json: { n: 4, kind: 'order' } });
    expect(newest.body.messages[0].key).toMatchObject({ encoding: 'text', data: 'k4' });

    const fromOffset = await json(messagesRoute.GET, { ...w.viewer, params: t(name), query: { from: 'offset', offset: '2', partitions: '1' } });
    expect(fromOffset.body.messages.map((m: { key: { data: string } }) => m.key.data)).toEqual(['k5']);
    const oldest = await json(messagesRoute.GET, { ...w.viewer, params: t(name), query: { from: 'oldest', limit: '500' } });
    expect(oldest.body.messages).toHaveLength(6);
    const cut = await json(messagesRoute.GET, { ...w.viewer, params: t(name), query: { from: 'oldest', limit: '1', partitions: '0', maxValueBytes: '16' } });
    expect(cut.body.messages[0].value).toMatchObject({ truncated: true });

    const missingOffset = await json(messagesRoute.GET, { ...w.viewer, params: t(name), query: { from: 'offset' } });
    expect(missingOffset.status).toBe(422);
    expect(missingOffset.body.error.details.issues[0].path).toBe('offset');

    const search = await json(searchRoute.POST, {
      ...w.operator,
      method: 'POST',
      params: t(name),
      body: { filters: [{ field: 'value', match: { kind: 'jsonPath', path: '$.kind', equals: 'refund' } }], budget: { maxMessages: 1000 } },
    });
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    expect(search.body.matches.map((m: { key: { data: string } }) => m.key.data)).toEqual(['k3']);
    expect(search.body).toMatchObject({ scanned: 6, stoppedBy: 'end' });
    const budget = await json(searchRoute.POST, {
      ...w.operator,
      method: 'POST',
      params: t(name),
      body: { filters: [{ field: 'header', header: 'trace', match: { kind: 'regex', pattern: '^t\\d$' } }], budget: { maxMessages: 2 } },
    });
    expect(budget.body).toMatchObject({ scanned: 2, stoppedBy: 'budget-messages' });

    const badSearch = await json(searchRoute.POST, { ...w.operator, method: 'POST', params: t(name), body: { filters: [] } });
    expect(badSearch.status).toBe(422);
    expect(badSearch.body.error.details.issues[0].path).toBe('filters');
    const badProduce = await json(messagesRoute.POST, { ...w.operator, method: 'POST', params: t(name), body: { value: 42 } });
    expect(badProduce.status).toBe(422);
    expect(badProduce.body.error).toMatchObject({ code: 'validation', details: { in: 'body', issues: [expect.objectContaining({ path: 'value' })] } });
    const malformed = await json(messagesRoute.POST, { ...w.operator, method: 'POST', params: t(name), rawBody: '{"value":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);

    const unknown = freshTopic('missing');
    expect((await json(messagesRoute.GET, { ...w.viewer, params: t(unknown) })).status).toBe(404);
    expect((await json(messagesRoute.POST, { ...w.operator, method: 'POST', params: t(unknown), body: { value: 'x' } })).status).toBe(404);
    expect((await json(configsRoute.GET, { ...w.viewer, params: t(unknown) })).status).toBe(404);

    const produced = await getDb().auditEvent.findFirst({ where: { action: 'message.produce', target: `cluster/${C}/topic/${name}` } });
    expect(produced).toMatchObject({ actor: expect.stringContaining('olga'), outcome: 'success' });
  });
});

describe('roles', () => {
  it('a viewer token reads and searches but gets 403 on every mutation; no credentials → 401', async () => {
    const name = freshTopic('roles');
    await createTopic(name);
    expect((await json(messagesRoute.POST, { ...w.operator, method: 'POST', params: t(name), body: { key: 'needle', value: 'x' } })).status).toBe(201);
    // Search is a POST but a read (readOnly in its route spec): the viewer's token may use it.
    const found = await json(searchRoute.POST, { ...w.viewer, method: 'POST', params: t(name), body: { filters: [{ field: 'key', match: { kind: 'contains', text: 'needle' } }] } });
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body).toMatchObject({ scanned: 1, stoppedBy: 'end', matches: [expect.objectContaining({ key: expect.objectContaining({ data: 'needle' }) })] });
    expect((await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C } })).status).toBe(200);
    const writes: [unknown, string, Record<string, string>, unknown][] = [
      [topicsRoute.POST, 'POST', { cluster: C }, { name: freshTopic() }],
      [topicRoute.DELETE, 'DELETE', t(name), undefined],
      [partitionsRoute.POST, 'POST', t(name), { totalPartitions: 2 }],
      [configsRoute.PATCH, 'PATCH', t(name), { set: { 'retention.ms': '1000' } }],
      [messagesRoute.POST, 'POST', t(name), { value: 'x' }],
      [groupRoute.DELETE, 'DELETE', { cluster: C, group: 'g' }, undefined],
      [resetRoute.POST, 'POST', { cluster: C, group: 'g' }, { topic: name, to: { kind: 'earliest' } }],
      [clustersRoute.POST, 'POST', {}, { name: 'kx', kind: 'kafka' }],
      [clusterRoute.DELETE, 'DELETE', { cluster: 'kx' }, undefined],
    ];
    for (const [handler, method, params, body] of writes) {
      const res = await json(handler, { ...w.viewer, method, params, body, query: method === 'DELETE' ? { confirm: name } : {} });
      expect(res.status, `${method} ${JSON.stringify(params)}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    const opRegister = await json(clustersRoute.POST, { ...w.operator, method: 'POST', body: { name: 'kx', kind: 'kafka' } });
    expect(opRegister.status).toBe(403);
    expect((await json(topicsRoute.GET, { params: { cluster: C } })).status).toBe(401);
    expect((await json(groupsRoute.GET, { bearer: 'slu_not-a-real-token', params: { cluster: C } })).status).toBe(401);
    expect((await json(topicRoute.GET, { ...w.viewer, params: t(name) })).status).toBe(200);
  });
});

describe('attached clusters', () => {
  it('an admin registers one with write-only secrets; its operations answer 501 until attach connectors exist', async () => {
    const reg = await json(clustersRoute.POST, {
      ...w.admin,
      method: 'POST',
      body: { name: 'prod-kafka', kind: 'kafka', config: { bootstrapServers: ['kafka-1:9092'] }, secrets: { saslPassword: 'hunter2 hunter2' } },
    });
    expect(reg.status, JSON.stringify(reg.body)).toBe(201);
    expect(reg.body).toMatchObject({ name: 'prod-kafka', kind: 'kafka', hasSecrets: true, config: { bootstrapServers: ['kafka-1:9092'] } });
    expect(JSON.stringify(reg.body)).not.toContain('hunter2');
    const dup = await json(clustersRoute.POST, { ...w.admin, method: 'POST', body: { name: 'prod-kafka', kind: 'rabbitmq' } });
    expect(dup.status).toBe(409);
    const badKind = await json(clustersRoute.POST, { ...w.admin, method: 'POST', body: { name: 'x', kind: 'builtin' } });
    expect(badKind.status).toBe(422);

    const list = await json(clustersRoute.GET, { ...w.viewer });
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual([C, 'prod-kafka']);
    expect(list.body.items[1]).toMatchObject({ hasSecrets: true, health: { status: 'down', problems: [expect.stringContaining('attach connectors are not available yet')] } });
    expect(JSON.stringify(list.body)).not.toContain('hunter2');

    const topics = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: 'prod-kafka' } });
    expect(topics.status).toBe(501);
    expect(topics.body.error).toMatchObject({ code: 'unsupported', message: expect.stringContaining('attach connectors are not available yet'), details: { cluster: 'prod-kafka' } });

    const audit = await getDb().auditEvent.findFirst({ where: { action: 'cluster.register', outcome: 'success' } });
    expect(audit!.params).not.toContain('hunter2');

    expect((await json(clusterRoute.DELETE, { ...w.admin, method: 'DELETE', params: { cluster: C } })).status).toBe(409);
    expect((await json(clusterRoute.DELETE, { ...w.admin, method: 'DELETE', params: { cluster: 'prod-kafka' } })).status).toBe(204);
    expect((await json(clusterRoute.GET, { ...w.viewer, params: { cluster: 'prod-kafka' } })).status).toBe(404);
  });
});

describe('a stopped built-in broker', () => {
  it('answers 502 naming the cluster, and the list shows it down (runs last: stops the broker)', async () => {
    await stopBroker();
    const res = await json(topicsRoute.GET, { ...w.viewer, params: { cluster: C } });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining(`cluster "${C}"`) });
    const list = await json(clustersRoute.GET, { ...w.viewer });
    expect(list.body.items[0]).toMatchObject({ name: C, health: { status: 'down' } });
  });
});
