/**
 * Model-based test (fast-check commands): the real engine on a real store, with clean and
 * unclean restarts and a hand-moved clock, against a plain in-memory model of what every message
 * should be (fresh, leased, waiting for redelivery, acked, dead-lettered), its attempt count and
 * which receipts are valid. After every command the subscription's counts must equal the model's.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../broker/logger.js';
import { startQueues } from '../../../broker/queues/engine.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { freshName, manualClock, queueFixture, type QueueFixture } from './helpers.js';

const LEASE = 1000;
const BACKOFF = 300;
const MAX_ATTEMPTS = 3;

interface ModelMsg {
  state: 'fresh' | 'leased' | 'retry' | 'acked' | 'dead';
  attempts: number;
  until: number;
  due: number;
  receipt: string;
}

interface Model {
  msgs: Map<string, ModelMsg>;
  receipts: Array<{ receipt: string; id: string }>;
}

interface Real {
  f: QueueFixture;
  clock: ReturnType<typeof manualClock>;
  topic: string;
}

const fx = queueFixture();
afterEach(() => fx.cleanup());

/** Due lease expiries, as the engine's tick does them. */
function expireModel(m: Model, now: number): void {
  for (const msg of m.msgs.values()) {
    if (msg.state !== 'leased' || msg.until > now) continue;
    if (msg.attempts >= MAX_ATTEMPTS) msg.state = 'dead';
    else Object.assign(msg, { state: 'retry', due: now + BACKOFF });
  }
}

function modelCounts(m: Model, now: number) {
  const all = [...m.msgs.values()];
  const n = (f: (x: ModelMsg) => boolean) => all.filter(f).length;
  return {
    depth: n((x) => x.state !== 'acked' && x.state !== 'dead'),
    inFlight: n((x) => x.state === 'leased'),
    delayed: n((x) => x.state === 'retry' && x.due > now),
    acked: n((x) => x.state === 'acked'),
    deadLettered: n((x) => x.state === 'dead'),
    expired: 0,
  };
}

/** Runs expiry on both sides and waits for the engine's asynchronous dead-lettering. */
async function sync(m: Model, r: Real): Promise<void> {
  expireModel(m, r.clock.now());
  r.f.engine.tick();
  const want = modelCounts(m, r.clock.now());
  for (let i = 0; i < 200; i++) {
    if (JSON.stringify(r.f.engine.describeSubscription(r.topic, 's').counts) === JSON.stringify(want)) return;
    await new Promise((res) => setTimeout(res, 10));
  }
  expect(r.f.engine.describeSubscription(r.topic, 's').counts).toEqual(want);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

function expectedAckCode(m: Model, id: string, receipt: string): string {
  const msg = m.msgs.get(id)!;
  if (msg.state === 'acked' || msg.state === 'dead') return 'MESSAGE_SETTLED';
  if (msg.state === 'leased' && msg.receipt === receipt) return 'ok';
  return 'STALE_RECEIPT';
}

const commands = [
  fc.integer({ min: 1, max: 5 }).map((n) => ({
    check: () => true,
    async run(m: Model, r: Real) {
      await sync(m, r);
      const res = await r.f.engine.publish(r.topic, Array.from({ length: n }, (_, i) => ({ value: `v${i}` })));
      for (const p of res) m.msgs.set(`${p.partition}:${p.offset}`, { state: 'fresh', attempts: 0, until: 0, due: 0, receipt: '' });
      await sync(m, r);
    },
    toString: () => `publish(${n})`,
  })),
  fc.integer({ min: 1, max: 6 }).map((max) => ({
    check: () => true,
    async run(m: Model, r: Real) {
      await sync(m, r);
      const now = r.clock.now();
      const available = [...m.msgs].filter(([, x]) => x.state === 'fresh' || (x.state === 'retry' && x.due <= now));
      const got = await r.f.engine.receive(r.topic, 's', { max, leaseMs: LEASE });
      expect(got.length).toBe(Math.min(max, available.length));
      for (const g of got) {
        const msg = m.msgs.get(`${g.partition}:${g.offset}`)!;
        expect(['fresh', 'retry']).toContain(msg.state);
        expect(g.attempt).toBe(msg.attempts + 1);
        Object.assign(msg, { state: 'leased', attempts: msg.attempts + 1, until: now + LEASE, receipt: g.receipt });
        m.receipts.push({ receipt: g.receipt, id: `${g.partition}:${g.offset}` });
      }
      await sync(m, r);
    },
    toString: () => `receive(${max})`,
  })),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, nack]) => ({
    check: (m: Readonly<Model>) => m.receipts.length > 0,
    async run(m: Model, r: Real) {
      await sync(m, r);
      const { receipt, id } = m.receipts[i % m.receipts.length]!;
      const want = expectedAckCode(m, id, receipt);
      const got = await codeOf(nack ? r.f.engine.nack(receipt, { reason: 'model' }) : r.f.engine.ack([receipt]));
      expect(got).toBe(want);
      if (want === 'ok') {
        const msg = m.msgs.get(id)!;
        if (!nack) msg.state = 'acked';
        else if (msg.attempts >= MAX_ATTEMPTS) msg.state = 'dead';
        else Object.assign(msg, { state: 'retry', due: r.clock.now() + BACKOFF });
      }
      await sync(m, r);
    },
    toString: () => `${nack ? 'nack' : 'ack'}(receipt #${i})`,
  })),
  fc.constantFrom(100, 299, 300, 700, 1000, 2500).map((ms) => ({
    check: () => true,
    async run(m: Model, r: Real) {
      r.clock.advance(ms);
      await sync(m, r);
    },
    toString: () => `advance(${ms})`,
  })),
  fc.boolean().map((clean) => ({
    check: () => true,
    async run(m: Model, r: Real) {
      await sync(m, r);
      if (clean) await r.f.restart();
      else await crashRestart(r);
      await sync(m, r);
    },
    toString: () => (clean ? 'restart' : 'restart without engine close (replay from events)'),
  })),
];

/** Drops the engine without close (no shutdown snapshot), closes the store, reopens both. */
async function crashRestart(r: Real): Promise<void> {
  const opts = { now: r.clock.now, tickMs: 0, random: () => 0.5, logger: memoryLogger() };
  await r.f.store.close();
  r.f.store = new FileLogStore({ dataDir: r.f.dataDir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
  await r.f.store.open();
  r.f.engine = await startQueues(r.f.store, opts);
}

describe('queue engine against a model', () => {
  it('agrees with the model under random publish/receive/ack/nack/time/restart sequences', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (cmds) => {
        const clock = manualClock();
        const f = await fx.start({ now: clock.now });
        const topic = freshName('model');
        await f.store.createTopic(topic, 2);
        await f.engine.createSubscription(topic, 's', { config: { maxAttempts: MAX_ATTEMPTS, backoff: { baseMs: BACKOFF, factor: 1, capMs: BACKOFF, jitter: 0 } } });
        const real: Real = { f, clock, topic };
        try {
          await fc.asyncModelRun(() => ({ model: { msgs: new Map(), receipts: [] } as Model, real }), cmds);
        } finally {
          await fx.cleanup();
        }
      }),
      { numRuns: Number(process.env.SLUICE_QUEUE_MODEL_RUNS ?? 60) },
    );
  });
});
