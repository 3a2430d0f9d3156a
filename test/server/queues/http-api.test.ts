/**
 * The queue HTTP API (/api/v1/queues/…), its route handlers called for real, in process, the way
 * Next.js calls them, against a running broker (startBroker on a temp data dir) and a fresh
 * SQLite metadata database: subscriptions, publish (JSON batch and raw bytes), long-poll receive,
 * ack, nack to redelivery and to the dead-letter topic, extend, topic settings, precise errors,
 * roles, bearer tokens, and which calls are audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBrokerConfig } from '../../../broker/config.js';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { startBroker, stopBroker, type Broker } from '../../../broker/runtime.js';
import { createToken } from '../../../server/auth/tokens.js';
import { getDb } from '../../../server/db/client.js';
import { call, errorOf, signedInAs, useFreshProcessDb, type Caller } from '../api/harness.js';

vi.mock('server-only', () => ({}));

const ack = await import('../../../app/api/v1/queues/ack/route.js');
const nack = await import('../../../app/api/v1/queues/nack/route.js');
const extend = await import('../../../app/api/v1/queues/extend/route.js');
const messages = await import('../../../app/api/v1/queues/[topic]/messages/route.js');
const raw = await import('../../../app/api/v1/queues/[topic]/messages/raw/route.js');
const settings = await import('../../../app/api/v1/queues/[topic]/settings/route.js');
const subscriptions = await import('../../../app/api/v1/queues/[topic]/subscriptions/route.js');
const subscription = await import('../../../app/api/v1/queues/[topic]/subscriptions/[subscription]/route.js');
const receive = await import('../../../app/api/v1/queues/[topic]/subscriptions/[subscription]/receive/route.js');

let cleanupDb: () => Promise<void>;
let brokerDir: string;
let broker: Broker;
let operator: Caller;
let viewer: Caller;
let topicN = 0;

beforeAll(async () => {
  cleanupDb = await useFreshProcessDb();
  brokerDir = await mkdtemp(join(tmpdir(), 'sluice-queue-http-'));
  broker = await startBroker(loadBrokerConfig({ SLUICE_DATA_DIR: brokerDir, SLUICE_KAFKA_ENABLED: 'false' }));
  operator = await signedInAs('otto', 'operator');
  viewer = await signedInAs('vic', 'viewer');
}, 300_000);

afterAll(async () => {
  await stopBroker();
  await rm(brokerDir, { recursive: true, force: true });
  await cleanupDb?.();
});

interface Received {
  receipt: string;
  partition: number;
  offset: number;
  attempt: number;
  key: string | null;
  value: string | null;
  encoding: 'utf8' | 'base64';
  headers: Record<string, string>;
}

async function freshQueue(config: Record<string, unknown> = {}): Promise<{ topic: string; sub: string }> {
  const topic = `q-http-${process.pid}-${++topicN}`;
  await broker.store.createTopic(topic, 1);
  const res = await call(subscriptions.POST, { ...operator, method: 'POST', params: { topic }, body: { name: 'workers', startAt: 'earliest', config } });
  expect(res.status, await res.clone().text()).toBe(201);
  return { topic, sub: 'workers' };
}

async function publish(topic: string, body: unknown, who: Caller = operator): Promise<Response> {
  return call(messages.POST, { ...who, method: 'POST', params: { topic }, body });
}

async function take(topic: string, sub: string, body: Record<string, unknown> = {}): Promise<Received[]> {
  const res = await call(receive.POST, { ...operator, method: 'POST', params: { topic, subscription: sub }, body: { max: 10, ...body } });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store, no-transform');
  return ((await res.json()) as { messages: Received[] }).messages;
}

describe('queue HTTP API', () => {
  it('publish (utf8, base64, json) → receive → ack; a second ack of the same receipt is 409', async () => {
    const { topic, sub } = await freshQueue();
    const res = await publish(topic, {
      messages: [
        { key: 'order-1', value: 'hello', headers: { trace: 't1' } },
        { value: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' },
        { value: { total: 42 }, encoding: 'json' },
      ],
    });
    expect(res.status).toBe(200);
    // Data-plane answers are never gzipped by Next (no-transform): see skipCompression.
    expect(res.headers.get('cache-control')).toBe('no-store, no-transform');
    expect(((await res.json()) as { results: unknown[] }).results).toEqual([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
      { partition: 0, offset: 2 },
    ]);

    const got = await take(topic, sub);
    expect(got.map((m) => [m.key, m.value, m.encoding, m.attempt])).toEqual([
      ['order-1', 'hello', 'utf8', 1],
      [null, 'AAEC/w==', 'base64', 1],
      [null, '{"total":42}', 'utf8', 1],
    ]);
    expect(got[0]!.headers).toEqual({ trace: 't1' });

    const acked = await call(ack.POST, { ...operator, method: 'POST', body: { receipts: got.map((m) => m.receipt) } });
    expect(acked.status).toBe(200);
    expect(acked.headers.get('cache-control')).toBe('no-store, no-transform');
    const again = await call(ack.POST, { ...operator, method: 'POST', body: { receipts: [got[0]!.receipt] } });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe('message_settled');

    const described = await call(subscription.GET, { ...viewer, params: { topic, subscription: sub } });
    expect(((await described.json()) as { counts: { depth: number; acked: number } }).counts).toMatchObject({ depth: 0, acked: 3 });
  });

  it('a receive acks the receipts it carries first; a bad one is a 409 that acks and leases nothing', async () => {
    const { topic, sub } = await freshQueue();
    await publish(topic, { messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });
    const first = await take(topic, sub, { max: 2 });
    const second = await take(topic, sub, { max: 1, ack: first.map((m) => m.receipt) });
    expect(second.map((m) => m.value)).toEqual(['c']);
    const counts = async () => ((await (await call(subscription.GET, { ...viewer, params: { topic, subscription: sub } })).json()) as { counts: Record<string, number> }).counts;
    expect(await counts()).toMatchObject({ acked: 2, inFlight: 1, depth: 2 });

    const refused = await call(receive.POST, { ...operator, method: 'POST', params: { topic, subscription: sub }, body: { max: 10, ack: [second[0]!.receipt, first[0]!.receipt] } });
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toMatchObject({ code: 'message_settled', details: { failures: [expect.objectContaining({ index: 1 })] } });
    expect(await counts()).toMatchObject({ acked: 2, inFlight: 1, depth: 2 });
    const badShape = await call(receive.POST, { ...operator, method: 'POST', params: { topic, subscription: sub }, body: { ack: 'not-a-list' } });
    expect(badShape.status).toBe(422);
    expect(await counts()).toMatchObject({ acked: 2, inFlight: 1 });

    expect((await take(topic, sub, { ack: [second[0]!.receipt] })).map((m) => m.value)).toEqual(['d']);
    expect(await counts()).toMatchObject({ acked: 3, inFlight: 1, depth: 1 });
  });

  it('long poll: a receive waiting for messages answers as soon as one is published', async () => {
    const { topic, sub } = await freshQueue();
    const started = Date.now();
    const waiting = take(topic, sub, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await publish(topic, { messages: [{ value: 'late' }] });
    const got = await waiting;
    expect(got.map((m) => m.value)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('nack redelivers with the next attempt number; after maxAttempts the message is in the dead-letter topic with provenance', async () => {
    const { topic, sub } = await freshQueue({ maxAttempts: 2, backoff: { baseMs: 0, capMs: 0, jitter: 0 } });
    await publish(topic, { messages: [{ key: 'k', value: 'poison' }] });
    const [first] = await take(topic, sub);
    const n1 = await call(nack.POST, { ...operator, method: 'POST', body: { receipt: first!.receipt, reason: 'parse error' } });
    expect(n1.status).toBe(200);
    expect(((await n1.json()) as { deadLettered: boolean }).deadLettered).toBe(false);
    let second: Received[] = [];
    for (let i = 0; i < 50 && second.length === 0; i++) second = await take(topic, sub, { waitMs: 200 });
    expect(second[0]!.attempt).toBe(2);
    const n2 = await call(nack.POST, { ...operator, method: 'POST', body: { receipt: second[0]!.receipt, reason: 'parse error again' } });
    expect(((await n2.json()) as { deadLettered: boolean }).deadLettered).toBe(true);

    const dlq = `${topic}.${sub}.dlq`;
    const read = await broker.store.read(dlq, 0, 0, 1 << 20);
    const [record] = (await decodeBatches(read.bytes)).flatMap((b) => b.records);
    expect(record?.value?.toString()).toBe('poison');
    const headers = Object.fromEntries(record!.headers.map((h) => [h.key, h.value?.toString()]));
    expect(headers).toMatchObject({ 'sluice-original-topic': topic });
  });

  it('extend moves the lease end; a raw publish keeps the bytes and X-Sluice-Header-* headers', async () => {
    const { topic, sub } = await freshQueue();
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const res = await call(raw.POST, {
      ...operator,
      method: 'POST',
      params: { topic },
      query: { key: 'raw-key' },
      rawBody: bytes as unknown as string,
      headers: { 'content-type': 'application/octet-stream', 'x-sluice-header-source': 'sensor-7' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [m] = await take(topic, sub, { leaseMs: 1000 });
    expect([m!.key, m!.encoding, Buffer.from(m!.value!, 'base64').equals(bytes), m!.headers.source]).toEqual(['raw-key', 'base64', true, 'sensor-7']);
    const ext = await call(extend.POST, { ...operator, method: 'POST', body: { receipt: m!.receipt, ms: 60_000 } });
    expect(ext.status).toBe(200);
    expect(((await ext.json()) as { leaseExpiresAt: number }).leaseExpiresAt).toBeGreaterThan(Date.now() + 50_000);
  });

  it('topic settings: default TTL and backlog limit; a full backlog refuses publishes with 429', async () => {
    const { topic } = await freshQueue();
    const set = await call(settings.PATCH, { ...operator, method: 'PATCH', params: { topic }, body: { defaultTtlMs: 60_000, maxBacklog: 2 } });
    expect(await set.json()).toEqual({ defaultTtlMs: 60_000, maxBacklog: 2, backlogPolicy: 'reject', archiveBeforeRetention: true });
    expect((await publish(topic, { messages: [{ value: 'a' }, { value: 'b' }] })).status).toBe(200);
    const full = await publish(topic, { messages: [{ value: 'c' }] });
    expect(full.status).toBe(429);
    expect((await errorOf(full)).code).toBe('backlog_full');
  });

  it('topic settings: backlog policy archive-oldest and archive before retention, validated', async () => {
    const { topic, sub } = await freshQueue();
    const body = { maxBacklog: 2, backlogPolicy: 'archive-oldest', archiveBeforeRetention: false };
    const set = await call(settings.PATCH, { ...operator, method: 'PATCH', params: { topic }, body });
    expect(set.status).toBe(200);
    const expected = { defaultTtlMs: null, maxBacklog: 2, backlogPolicy: 'archive-oldest', archiveBeforeRetention: false };
    expect(await set.json()).toEqual(expected);
    expect(await (await call(settings.GET, { ...viewer, params: { topic } })).json()).toEqual(expected);
    for (const value of ['a', 'b', 'c']) expect((await publish(topic, { messages: [{ value }] })).status).toBe(200);
    expect((await take(topic, sub)).map((m) => m.value)).toEqual(['b', 'c']);

    for (const bad of [{ backlogPolicy: 'drop-newest' }, { archiveBeforeRetention: 'yes' }, { backlogPolicy: null }, { overflow: 'reject' }]) {
      const res = await call(settings.PATCH, { ...operator, method: 'PATCH', params: { topic }, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(JSON.stringify(await errorOf(res))).toContain(Object.keys(bad)[0]!);
    }
    expect((await call(settings.PATCH, { ...viewer, method: 'PATCH', params: { topic }, body: { backlogPolicy: 'reject' } })).status).toBe(403);
    expect(await (await call(settings.GET, { ...viewer, params: { topic } })).json()).toEqual(expected);
  });

  it('bad input gets precise errors and changes nothing', async () => {
    const { topic, sub } = await freshQueue();
    const wrongType = await publish(topic, { messages: [{ value: 12 }] });
    expect(wrongType.status).toBe(422);
    expect(JSON.stringify(await errorOf(wrongType))).toContain('messages.0.value');
    const both = await publish(topic, { messages: [{ value: 'x', delayMs: 5, deliverAt: Date.now() }] });
    expect(both.status).toBe(422);
    const malformed = await call(messages.POST, { ...operator, method: 'POST', params: { topic }, rawBody: '{"messages": [', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await publish('no-such-topic', { messages: [{ value: 'x' }] })).status).toBe(404);
    expect((await call(receive.POST, { ...operator, method: 'POST', params: { topic, subscription: 'nope' }, body: {} })).status).toBe(404);
    const forged = await call(ack.POST, { ...operator, method: 'POST', body: { receipts: ['not-a-receipt'] } });
    expect(forged.status).toBe(422);
    expect((await errorOf(forged)).code).toBe('invalid_receipt');
    // The receipt list's shape is checked by the schema; each receipt by the broker, by index.
    const empty = await call(ack.POST, { ...operator, method: 'POST', body: { receipts: [''] } });
    expect(empty.status).toBe(422);
    expect(await errorOf(empty)).toMatchObject({ code: 'invalid_receipt', details: { failures: [expect.objectContaining({ index: 0 })] } });
    for (const receipts of [[], ['x', 3], Array.from({ length: 1001 }, () => 'x'), 'x']) {
      const res = await call(ack.POST, { ...operator, method: 'POST', body: { receipts } });
      expect(res.status, JSON.stringify(receipts).slice(0, 40)).toBe(422);
      const error = await errorOf(res);
      expect(error).toMatchObject({ code: 'validation' });
      expect(JSON.stringify(error)).toContain('receipts');
    }
    const badConfig = await call(subscription.PATCH, { ...operator, method: 'PATCH', params: { topic, subscription: sub }, body: { maxAttempts: 0 } });
    expect(badConfig.status).toBe(422);
    // Nothing was published by any of the above.
    expect(broker.store.offsets(topic, 0).logEndOffset).toBe(0);
  });

  it('roles: a viewer reads but cannot publish or receive; an API token works like curl would', async () => {
    const { topic, sub } = await freshQueue();
    expect((await publish(topic, { messages: [{ value: 'x' }] }, viewer)).status).toBe(403);
    expect((await call(receive.POST, { ...viewer, method: 'POST', params: { topic, subscription: sub }, body: {} })).status).toBe(403);
    expect((await call(subscriptions.GET, { ...viewer, params: { topic } })).status).toBe(200);

    const db = getDb();
    const user = await db.user.findUniqueOrThrow({ where: { username: 'otto' } });
    const { token } = await createToken(db, user.id, { name: `queue-bot-${topicN}`, role: 'operator', expiresAt: null }, new Date());
    const res = await publish(topic, { messages: [{ value: 'from a token' }] }, { bearer: token });
    expect(res.status).toBe(200);
    expect((await publish(topic, { messages: [{ value: 'x' }] }, {})).status).toBe(401);
  });

  it('subscription changes are audited; data-plane calls (publish, receive, ack) are not', async () => {
    const before = await getDb().auditEvent.count();
    const { topic, sub } = await freshQueue();
    await publish(topic, { messages: [{ value: 'x' }] });
    const [m] = await take(topic, sub);
    await call(ack.POST, { ...operator, method: 'POST', body: { receipts: [m!.receipt] } });
    const events = await getDb().auditEvent.findMany({ orderBy: { at: 'asc' }, skip: before });
    expect(events.map((e) => e.action)).toEqual(['subscription.create']);
    expect(events[0]!.target).toBe(`topic/${topic}/subscription/workers`);
  });
});
