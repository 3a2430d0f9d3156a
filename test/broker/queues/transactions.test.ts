/**
 * Transactional (half) messages against a real file store: prepared messages are invisible to
 * subscriptions and to the topic's log (so to Kafka consumers too), commit makes them visible
 * once, rollback discards them, the timeout asks a real local HTTP check-back server, and pending
 * state, deadlines and attempt counts survive restarts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { TXN_KEY_PREFIX } from '../../../broker/queues/transactions.js';
import { expectCode } from '../storage/helpers.js';
import { freshName, manualClock, queueFixture, text, type QueueFixture } from './helpers.js';

const fx = queueFixture();
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
  await fx.cleanup();
});

const CHECK = { baseMs: 1_000, capMs: 8_000, maxChecks: 4, requestTimeoutMs: 20_000 };

async function setup() {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now, checkBack: CHECK });
  const topic = freshName('txn');
  await f.store.createTopic(topic, 1);
  await f.engine.createSubscription(topic, 's');
  return { f, clock, topic };
}

/** Everything in the topic's log, as a Kafka consumer reading from offset 0 would get it. */
async function logValues(f: QueueFixture, topic: string): Promise<string[]> {
  const { logEndOffset } = f.store.offsets(topic, 0);
  if (logEndOffset === 0) return [];
  const read = await f.store.read(topic, 0, 0, 1 << 20);
  return (await decodeBatches(read.bytes)).flatMap((b) => b.records.map((r) => text(r.value)!));
}

async function received(f: QueueFixture, topic: string): Promise<string[]> {
  const got = await f.engine.receive(topic, 's', { max: 100 });
  if (got.length > 0) await f.engine.ack(got.map((m) => m.receipt));
  return got.map((m) => text(m.value)!).sort();
}

async function until(cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Ticks the engine on every poll: a check-back still finishing its journal write skips a tick. */
function tickUntil(f: QueueFixture, cond: () => boolean | Promise<boolean>): Promise<void> {
  return until(() => {
    f.engine.tick();
    return cond();
  });
}

/** A real check-back server answering from a script, one entry per request (the last repeats). */
async function checkBackServer(script: Array<{ status?: number; action?: string }>) {
  const calls: Array<{ transactionId: string; topic: string; messages: number }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push(JSON.parse(body));
      const step = script[Math.min(calls.length - 1, script.length - 1)]!;
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json' });
      res.end(step.action === undefined ? 'oops' : JSON.stringify({ action: step.action }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`, calls };
}

describe('transactional (half) messages', () => {
  it('keeps prepared messages invisible to receive and to the log until commit, then delivers them once', async () => {
    const { f, topic } = await setup();
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'a' }, { value: Buffer.from('b'), key: 'k', headers: { h: 'v' } }], { timeoutMs: 60_000 });
    expect(await received(f, topic)).toEqual([]);
    expect(await logValues(f, topic)).toEqual([]);
    expect(f.engine.listPendingTransactions(topic)).toMatchObject([{ transactionId, topic, state: 'pending', messages: 2, checkBackAttempts: 0 }]);

    const first = await f.engine.commitTransaction(transactionId);
    expect(first.state).toBe('committed');
    expect(first.results).toHaveLength(2);
    const again = await f.engine.commitTransaction(transactionId);
    expect(again.results).toEqual(first.results);
    expect(await received(f, topic)).toEqual(['a', 'b']);
    expect(await logValues(f, topic)).toEqual(['a', 'b']);
    expect(f.engine.listPendingTransactions()).toEqual([]);
    await expectCode(f.engine.rollbackTransaction(transactionId), 'TRANSACTION_CONFLICT');
  });

  it('commits once when commits race each other', async () => {
    const { f, topic } = await setup();
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'x' }], { timeoutMs: 60_000 });
    const outs = await Promise.all([1, 2, 3].map(() => f.engine.commitTransaction(transactionId)));
    expect(new Set(outs.map((o) => JSON.stringify(o.results))).size).toBe(1);
    expect(await logValues(f, topic)).toEqual(['x']);
  });

  it('rollback discards; it is idempotent and a later commit is a conflict; unknown ids and bad input are precise', async () => {
    const { f, topic } = await setup();
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'gone' }], { timeoutMs: 60_000 });
    expect(await f.engine.rollbackTransaction(transactionId)).toEqual({ transactionId, state: 'rolledback' });
    expect(await f.engine.rollbackTransaction(transactionId)).toEqual({ transactionId, state: 'rolledback' });
    await expectCode(f.engine.commitTransaction(transactionId), 'TRANSACTION_CONFLICT');
    await expectCode(f.engine.commitTransaction('nope'), 'UNKNOWN_TRANSACTION');
    await expectCode(f.engine.rollbackTransaction('nope'), 'UNKNOWN_TRANSACTION');
    await expectCode(f.engine.prepare(topic, [{ value: 'v' }], { timeoutMs: 0 }), 'INVALID_REQUEST');
    await expectCode(f.engine.prepare(topic, [{ value: 'v' }], { timeoutMs: 10, checkBackUrl: 'ftp://x' }), 'INVALID_REQUEST');
    await expectCode(f.engine.prepare(topic, [{ value: 'v', partition: 3 }], { timeoutMs: 10 }), 'UNKNOWN_PARTITION');
    await expectCode(f.engine.prepare(topic, [], { timeoutMs: 10 }), 'INVALID_REQUEST');
    await expectCode(f.engine.prepare('no-such-topic', [{ value: 'v' }], { timeoutMs: 10 }), 'UNKNOWN_TOPIC');
    expect(f.engine.listPendingTransactions()).toEqual([]);
    expect(await logValues(f, topic)).toEqual([]);
    expect(await received(f, topic)).toEqual([]);
  });

  it('asks the check-back URL at the timeout and commits on "commit"', async () => {
    const { f, clock, topic } = await setup();
    const cb = await checkBackServer([{ action: 'commit' }]);
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'checked' }], { timeoutMs: 5_000, checkBackUrl: cb.url });
    clock.advance(4_999);
    f.engine.tick();
    expect(cb.calls).toHaveLength(0);
    clock.advance(1);
    f.engine.tick();
    await until(async () => (await logValues(f, topic)).length > 0);
    expect(cb.calls).toEqual([{ transactionId, topic, messages: 1 }]);
    await until(() => f.engine.listPendingTransactions().length === 0);
    expect((await f.engine.commitTransaction(transactionId)).state).toBe('committed');
    expect(await received(f, topic)).toEqual(['checked']);
  });

  it('rolls back on "rollback"', async () => {
    const { f, clock, topic } = await setup();
    const cb = await checkBackServer([{ action: 'rollback' }]);
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'no' }], { timeoutMs: 100, checkBackUrl: cb.url });
    clock.advance(100);
    f.engine.tick();
    await until(() => f.engine.listPendingTransactions().length === 0);
    await expectCode(f.engine.commitTransaction(transactionId), 'TRANSACTION_CONFLICT');
    expect(await logValues(f, topic)).toEqual([]);
  });

  it('retries with backoff after "unknown" and after a failing server, then acts on the answer', async () => {
    const { f, clock, topic } = await setup();
    const cb = await checkBackServer([{ action: 'unknown' }, { status: 500 }, { status: 200 }, { action: 'commit' }]);
    await f.engine.prepare(topic, [{ value: 'late' }], { timeoutMs: 100, checkBackUrl: cb.url });
    clock.advance(100);
    // Attempt n fails -> the next is due base * 2^(n-1) later: 1 s, 2 s, 4 s.
    for (const [n, wait] of [[1, 1_000], [2, 2_000], [3, 4_000]] as const) {
      await tickUntil(f, () => f.engine.listPendingTransactions()[0]?.checkBackAttempts === n);
      expect(cb.calls).toHaveLength(n);
      clock.advance(wait - 1);
      f.engine.tick();
      expect(cb.calls).toHaveLength(n);
      clock.advance(1);
    }
    await tickUntil(f, async () => (await logValues(f, topic)).length === 1);
    expect(cb.calls).toHaveLength(4);
    expect(await received(f, topic)).toEqual(['late']);
  });

  it('a producer commit racing a check-back that answers commit appends once', async () => {
    const { f, clock, topic } = await setup();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let asked = 0;
    const server = createServer((req, res) => {
      asked++;
      req.resume();
      void held.then(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ action: 'commit' })));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'race' }], { timeoutMs: 100, checkBackUrl: url });
    clock.advance(100);
    f.engine.tick();
    await until(() => asked === 1);
    await f.engine.commitTransaction(transactionId);
    release();
    // close() waits for the check-back still running, so its answer has been acted on.
    await f.engine.close();
    expect(await logValues(f, topic)).toEqual(['race']);
  });

  it('gives up after maxChecks unanswered check-backs and rolls back', async () => {
    const { f, clock, topic } = await setup();
    const cb = await checkBackServer([{ action: 'unknown' }]);
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'never' }], { timeoutMs: 100, checkBackUrl: cb.url });
    clock.advance(100);
    for (let n = 1; n <= CHECK.maxChecks; n++) {
      await tickUntil(f, () => cb.calls.length === n && (f.engine.listPendingTransactions()[0]?.checkBackAttempts === n || f.engine.listPendingTransactions().length === 0));
      expect(cb.calls).toHaveLength(n);
      clock.advance(CHECK.capMs);
    }
    await until(() => f.engine.listPendingTransactions().length === 0);
    await expectCode(f.engine.commitTransaction(transactionId), 'TRANSACTION_CONFLICT');
    expect(await logValues(f, topic)).toEqual([]);
  });

  it('keeps pending transactions, deadlines and attempts across clean and crash restarts', async () => {
    const { f, clock, topic } = await setup();
    const cb = await checkBackServer([{ action: 'unknown' }, { action: 'commit' }]);
    const kept = await f.engine.prepare(topic, [{ value: Buffer.from([0, 255]) }], { timeoutMs: 100, checkBackUrl: cb.url });
    const other = await f.engine.prepare(topic, [{ value: 'two' }], { timeoutMs: 60_000 });
    clock.advance(100);
    f.engine.tick();
    await until(() => f.engine.listPendingTransactions(topic).find((t) => t.transactionId === kept.transactionId)?.checkBackAttempts === 1);
    const before = f.engine.listPendingTransactions(topic);
    // The attempt is applied in memory before its journal write ends: crash after it is durable.
    await (f.engine as unknown as { journal: { close(): Promise<void> } }).journal.close();
    await f.dirtyRestart();
    expect(f.engine.listPendingTransactions(topic)).toEqual(before);
    await f.restart(); // the shutdown snapshot carries them too
    expect(f.engine.listPendingTransactions(topic)).toEqual(before);
    expect(await logValues(f, topic)).toEqual([]);

    clock.advance(999);
    f.engine.tick();
    expect(cb.calls).toHaveLength(1);
    clock.advance(1);
    await tickUntil(f, () => f.engine.listPendingTransactions(topic).length === 1);
    expect(cb.calls).toHaveLength(2);
    await f.engine.commitTransaction(other.transactionId);
    const got = await f.engine.receive(topic, 's', { max: 10 });
    expect(got.map((m) => m.value!.toString('hex')).sort()).toEqual(['00ff', Buffer.from('two').toString('hex')].sort());
  });

  it('finishes a commit a crash left between the append and "committed" without appending twice', async () => {
    const { f, topic } = await setup();
    const { transactionId } = await f.engine.prepare(topic, [{ value: 'once' }], { timeoutMs: 60_000 });
    // The state a SIGKILL leaves in that window: 'committing' journalled, the record appended
    // (by the same idempotent publish commit uses), 'committed' never written.
    const ctx = (f.engine as unknown as { ctx: { commit(evs: unknown[]): Promise<void> } }).ctx;
    await ctx.commit([{ e: 'txn-state', id: transactionId, state: 'committing', at: Date.now() }]);
    await f.engine.publish(topic, [{ value: 'once', idempotencyKey: `${TXN_KEY_PREFIX}${transactionId}:0` }]);
    expect(f.engine.listPendingTransactions(topic)).toMatchObject([{ state: 'committing' }]);
    await f.dirtyRestart();
    await until(() => f.engine.listPendingTransactions(topic).length === 0);
    expect((await f.engine.commitTransaction(transactionId)).results).toEqual([{ partition: 0, offset: 0 }]);
    expect(await logValues(f, topic)).toEqual(['once']);
    await expectCode(f.engine.rollbackTransaction(transactionId), 'TRANSACTION_CONFLICT');
  });
});
