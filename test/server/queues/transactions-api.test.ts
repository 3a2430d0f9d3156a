/**
 * The transactional (half) message routes, called the way Next.js calls them, against a running
 * broker on a temp data dir: prepare (invisible to receive), commit (visible once, retry-safe),
 * rollback, pending list, check-back to a real local server, precise errors, roles, no audit.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBrokerConfig } from '../../../broker/config.js';
import { startBroker, stopBroker, type Broker } from '../../../broker/runtime.js';
import { getDb } from '../../../server/db/client.js';
import { call, errorOf, signedInAs, useFreshProcessDb, type Caller } from '../api/harness.js';

vi.mock('server-only', () => ({}));

const subscriptions = await import('../../../app/api/v1/queues/[topic]/subscriptions/route.js');
const receive = await import('../../../app/api/v1/queues/[topic]/subscriptions/[subscription]/receive/route.js');
const prepare = await import('../../../app/api/v1/queues/[topic]/transactions/route.js');
const pending = await import('../../../app/api/v1/queues/transactions/route.js');
const commit = await import('../../../app/api/v1/queues/transactions/[id]/commit/route.js');
const rollback = await import('../../../app/api/v1/queues/transactions/[id]/rollback/route.js');

let cleanupDb: () => Promise<void>;
let brokerDir: string;
let broker: Broker;
let operator: Caller;
let viewer: Caller;
let topicN = 0;
const servers: Server[] = [];

beforeAll(async () => {
  cleanupDb = await useFreshProcessDb();
  brokerDir = await mkdtemp(join(tmpdir(), 'sluice-queue-txn-http-'));
  broker = await startBroker(loadBrokerConfig({ SLUICE_DATA_DIR: brokerDir, SLUICE_KAFKA_ENABLED: 'false' }));
  operator = await signedInAs('tess', 'operator');
  viewer = await signedInAs('val', 'viewer');
}, 300_000);

afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  await stopBroker();
  await rm(brokerDir, { recursive: true, force: true });
  await cleanupDb?.();
});

async function freshQueue(): Promise<string> {
  const topic = `q-txn-http-${process.pid}-${++topicN}`;
  await broker.store.createTopic(topic, 1);
  const res = await call(subscriptions.POST, { ...operator, method: 'POST', params: { topic }, body: { name: 'workers', startAt: 'earliest' } });
  expect(res.status, await res.clone().text()).toBe(201);
  return topic;
}

async function take(topic: string): Promise<string[]> {
  const res = await call(receive.POST, { ...operator, method: 'POST', params: { topic, subscription: 'workers' }, body: { max: 10 } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { messages: Array<{ value: string }> }).messages.map((m) => m.value).sort();
}

async function prep(topic: string, body: Record<string, unknown>, who: Caller = operator): Promise<Response> {
  return call(prepare.POST, { ...who, method: 'POST', params: { topic }, body });
}

const settle = (handler: unknown, id: string, who: Caller = operator) => call(handler, { ...who, method: 'POST', params: { id } });

async function pendingOf(topic: string): Promise<Array<{ transactionId: string; messages: number; checkBackAttempts: number }>> {
  const res = await call(pending.GET, { ...operator, query: { topic } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { items: Array<{ transactionId: string; messages: number; checkBackAttempts: number }> }).items;
}

describe('queue transactions over HTTP', () => {
  it('prepare hides the messages; commit shows them once, retries answer the same; rollback of it conflicts', async () => {
    const topic = await freshQueue();
    const res = await prep(topic, { messages: [{ value: 'a' }, { value: { n: 1 }, encoding: 'json' }], timeoutMs: 60_000 });
    expect(res.status, await res.clone().text()).toBe(201);
    const { transactionId } = (await res.json()) as { transactionId: string };
    expect(await take(topic)).toEqual([]);
    expect(await pendingOf(topic)).toMatchObject([{ transactionId, messages: 2, checkBackAttempts: 0 }]);

    const first = await settle(commit.POST, transactionId);
    expect(first.status, await first.clone().text()).toBe(200);
    const body = await first.json();
    expect(body).toMatchObject({ transactionId, state: 'committed', results: [{ partition: 0, offset: 0 }, { partition: 0, offset: 1 }] });
    expect(await (await settle(commit.POST, transactionId)).json()).toEqual(body);
    expect(await take(topic)).toEqual(['a', '{"n":1}']);
    expect(await pendingOf(topic)).toEqual([]);
    const conflict = await settle(rollback.POST, transactionId);
    expect(conflict.status).toBe(409);
    expect((await errorOf(conflict)).code).toBe('transaction_conflict');
  });

  it('rollback discards (idempotently); unknown ids are 404; bad bodies are 422 with field paths', async () => {
    const topic = await freshQueue();
    const { transactionId } = (await (await prep(topic, { messages: [{ value: 'x' }], timeoutMs: 60_000 })).json()) as { transactionId: string };
    for (let i = 0; i < 2; i++) expect(await (await settle(rollback.POST, transactionId)).json()).toEqual({ transactionId, state: 'rolledback' });
    const late = await settle(commit.POST, transactionId);
    expect(late.status).toBe(409);
    expect(await take(topic)).toEqual([]);

    const unknown = await settle(commit.POST, 'no-such-transaction');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('unknown_transaction');
    const noTimeout = await prep(topic, { messages: [{ value: 'x' }] });
    expect(noTimeout.status).toBe(422);
    expect(JSON.stringify(await errorOf(noTimeout))).toContain('timeoutMs');
    const badUrl = await prep(topic, { messages: [{ value: 'x' }], timeoutMs: 10, checkBackUrl: 'file:///etc/passwd' });
    expect(badUrl.status).toBe(422);
    expect(JSON.stringify(await errorOf(badUrl))).toContain('checkBackUrl');
    expect(await pendingOf(topic)).toEqual([]);
  });

  it('on timeout the broker asks the check-back URL and commits on its answer', async () => {
    const topic = await freshQueue();
    const calls: unknown[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        calls.push(JSON.parse(text));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action: 'commit' }));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tx`;
    const { transactionId } = (await (await prep(topic, { messages: [{ value: 'asked' }], timeoutMs: 200, checkBackUrl: url })).json()) as { transactionId: string };
    const end = Date.now() + 60_000;
    while ((await pendingOf(topic)).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(calls).toEqual([{ transactionId, topic, messages: 1 }]);
    expect(await take(topic)).toEqual(['asked']);
  });

  it('roles: viewers cannot prepare, commit, roll back or list; none of these calls is audited', async () => {
    const before = await getDb().auditEvent.count();
    const topic = await freshQueue();
    expect((await prep(topic, { messages: [{ value: 'x' }], timeoutMs: 60_000 }, viewer)).status).toBe(403);
    const { transactionId } = (await (await prep(topic, { messages: [{ value: 'x' }], timeoutMs: 60_000 })).json()) as { transactionId: string };
    expect((await settle(commit.POST, transactionId, viewer)).status).toBe(403);
    expect((await settle(rollback.POST, transactionId, viewer)).status).toBe(403);
    expect((await call(pending.GET, { ...viewer, query: { topic } })).status).toBe(403);
    expect((await settle(rollback.POST, transactionId)).status).toBe(200);
    const events = await getDb().auditEvent.findMany({ orderBy: { at: 'asc' }, skip: before });
    expect(events.map((e) => e.action)).toEqual(['subscription.create']);
  });
});
