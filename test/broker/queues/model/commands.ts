/**
 * The fast-check commands of the model test. Each one syncs, acts on the engine and the model,
 * checks the engine's answer against the model, and syncs again (see real.ts).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { BACKLOG_OVERFLOW_REASON } from '../../../../broker/queues/archive.js';
import type { BacklogPolicy } from '../../../../broker/queues/topic-policy.js';
import type { PublishMessage, PublishResult } from '../../../../broker/queues/types.js';
import { available, expectedSettleCode, expiryOf, planPublish, BACKOFF, LEASE, MAX_ATTEMPTS, type Model, type ModelMsg } from './model.js';
import { archived, archivedId, codeOf, logSize, sync, type Real } from './real.js';

type Cmd = fc.AsyncCommand<Model, Real>;
const always = () => true;

interface MessageSpec {
  /** delayMs, or deliverAt relative to the publish time (negative: already due). */
  delay?: { delayMs: number } | { deliverAtIn: number };
  ttlMs?: number;
  key?: string;
}

/** Mostly plain messages, so redelivery and dead-lettering keep being exercised too. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });

const messageSpec: fc.Arbitrary<MessageSpec> = fc.record(
  {
    delay: sometimes(fc.constantFrom<MessageSpec['delay']>({ delayMs: 0 }, { delayMs: 400 }, { delayMs: 1500 }, { deliverAtIn: 800 }, { deliverAtIn: -50 })),
    ttlMs: sometimes(fc.constantFrom(150, 1000, 2500)),
    key: sometimes(fc.constantFrom('k0', 'k1', 'k2', 'k3')),
  },
  { requiredKeys: [] },
);

function toMessage(s: MessageSpec, now: number, value: string): PublishMessage {
  const msg: PublishMessage = { value };
  if (s.delay && 'delayMs' in s.delay) msg.delayMs = s.delay.delayMs;
  if (s.delay && 'deliverAtIn' in s.delay) msg.deliverAt = now + s.delay.deliverAtIn;
  if (s.ttlMs !== undefined) msg.ttlMs = s.ttlMs;
  if (s.key !== undefined) msg.idempotencyKey = s.key;
  return msg;
}

function modelMsg(s: MessageSpec, now: number, value: string): ModelMsg {
  const deliverAt = s.delay === undefined ? undefined : now + ('delayMs' in s.delay ? s.delay.delayMs : s.delay.deliverAtIn);
  const ownExpiry = s.ttlMs === undefined ? undefined : now + s.ttlMs;
  return { value, ts: now, deliverAt, ownExpiry, state: 'fresh', attempts: 0, until: 0, due: 0, receipt: '' };
}

const publishCmd = fc.array(messageSpec, { minLength: 1, maxLength: 4 }).map(
  (specs): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      const now = r.clock.now();
      const msgs = specs.map((s) => toMessage(s, now, `v${m.seq++}`));
      const plan = planPublish(m, specs.map((s) => s.key), now);
      const before = logSize(r);
      const res = await codeOf(r.f.engine.publish(r.topic, msgs));
      if (res.code !== 'ok' || plan.outcome === 'full') {
        expect(res.code, `publish outcome (backlog limit ${m.backlogLimit}, policy ${m.backlogPolicy})`).toBe(plan.outcome === 'ok' ? 'ok' : 'BACKLOG_FULL');
        expect(logSize(r), 'a refused publish appended').toBe(before);
      } else {
        // Room is made before the append; sync then checks the archive holds exactly these.
        for (const id of plan.archive) Object.assign(m.msgs.get(id)!, { state: 'expired', archivedReason: BACKLOG_OVERFLOW_REASON, archivedAt: now });
        const out = (res as { value: PublishResult[] }).value;
        const pos = (i: number) => `${out[i]!.partition}:${out[i]!.offset}`;
        plan.fates.forEach((fate, i) => {
          if (fate.kind === 'dup') expect(pos(i), `message ${i}: duplicate key must return the original position`).toBe(fate.id);
          else if (fate.kind === 'batch-dup') expect(pos(i), `message ${i}: duplicate in batch`).toBe(pos(fate.index));
          else {
            expect(m.msgs.has(pos(i)), `message ${i}: a new message got an existing position`).toBe(false);
            m.msgs.set(pos(i), modelMsg(specs[i]!, now, String(msgs[i]!.value)));
            if (specs[i]!.key !== undefined) m.keys.set(specs[i]!.key!, { id: pos(i), at: now });
          }
        });
      }
      await sync(m, r);
    },
    toString: () => `publish(${JSON.stringify(specs)})`,
  }),
);

/** A receive, sometimes carrying an ack of an earlier receipt (acked first, all or nothing). */
const receiveCmd = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.option(fc.nat(), { freq: 3 })).map(
  ([max, carry]): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      const carried = carry !== null && m.receipts.length > 0 ? m.receipts[carry % m.receipts.length]! : undefined;
      if (carried) {
        const want = expectedSettleCode(m, carried.id, carried.receipt);
        if (want !== 'ok') {
          // A refused ack fails the whole call: nothing acked, leased or archived.
          const refused = await codeOf<unknown>(r.f.engine.receive(r.topic, 's', { max, leaseMs: LEASE, ack: [carried.receipt] }));
          expect(refused.code, 'receive carrying a bad receipt').toBe(want);
          await sync(m, r);
          return;
        }
        m.msgs.get(carried.id)!.state = 'acked';
      }
      const now = r.clock.now();
      const { live, expired } = available(m, now);
      const got = await r.f.engine.receive(r.topic, 's', { max, leaseMs: LEASE, ...(carried ? { ack: [carried.receipt] } : {}) });
      // Archiving finishes before receive answers: whatever is new in the archive was moved now.
      const moved = (await archived(r)).map(archivedId).filter((id) => m.msgs.get(id)?.state !== 'expired');
      for (const id of moved) {
        expect(expired, `archived ${id}, which had not expired`).toContain(id);
        const x = m.msgs.get(id)!;
        Object.assign(x, { state: 'expired', archivedReason: `ttl passed at ${expiryOf(m, x)}`, archivedAt: now });
      }
      expect(got.length, 'leased more than max or than the due, unexpired messages').toBeLessThanOrEqual(Math.min(max, live.size));
      if (live.size > 0) expect(got.length, 'leased nothing although due, unexpired messages wait').toBeGreaterThan(0);
      // Each selection round takes `max` (or all that is left); only the last one leases anything.
      expect(got.length + moved.length, 'leased + archived fewer than max although more were available').toBeGreaterThanOrEqual(Math.min(max, live.size + expired.size));
      for (const g of got) {
        const id = `${g.partition}:${g.offset}`;
        expect(live, `leased ${id}: not due, expired or not available`).toContain(id);
        const x = m.msgs.get(id)!;
        expect(g.value?.toString('utf8'), `value of ${id}`).toBe(x.value);
        expect(g.attempt, `attempt of ${id}`).toBe(x.attempts + 1);
        Object.assign(x, { state: 'leased', attempts: x.attempts + 1, until: now + LEASE, receipt: g.receipt });
        m.receipts.push({ receipt: g.receipt, id });
      }
      await sync(m, r);
    },
    toString: () => `receive(${max}${carry !== null ? `, ack receipt #${carry}` : ''})`,
  }),
);

const settleCmd = fc.tuple(fc.nat(), fc.boolean()).map(
  ([i, nack]): Cmd => ({
    check: (m) => m.receipts.length > 0,
    async run(m, r) {
      await sync(m, r);
      const { receipt, id } = m.receipts[i % m.receipts.length]!;
      const want = expectedSettleCode(m, id, receipt);
      const got = await codeOf<unknown>(nack ? r.f.engine.nack(receipt, { reason: 'model' }) : r.f.engine.ack([receipt]));
      expect(got.code).toBe(want);
      if (want === 'ok') {
        const x = m.msgs.get(id)!;
        if (!nack) x.state = 'acked';
        else if (x.attempts >= MAX_ATTEMPTS) x.state = 'dead';
        else Object.assign(x, { state: 'retry', due: r.clock.now() + BACKOFF });
      }
      await sync(m, r);
    },
    toString: () => `${nack ? 'nack' : 'ack'}(receipt #${i})`,
  }),
);

const advanceCmd = fc.constantFrom(100, 299, 300, 700, 1000, 2500).map(
  (ms): Cmd => ({
    check: always,
    async run(m, r) {
      r.clock.advance(ms);
      await sync(m, r);
    },
    toString: () => `advance(${ms})`,
  }),
);

const restartCmd = fc.boolean().map(
  (clean): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      if (clean) await r.f.restart();
      else await r.f.dirtyRestart();
      await sync(m, r);
    },
    toString: () => (clean ? 'restart' : 'restart without engine close (replay from events)'),
  }),
);

const topicTtlCmd = fc.constantFrom(null, 500, 3000).map(
  (ttl): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      await r.f.engine.setTopicTtl(r.topic, ttl);
      m.topicTtl = ttl;
      await sync(m, r);
    },
    toString: () => `setTopicTtl(${ttl})`,
  }),
);

const backlogCmd = fc.constantFrom(null, 2, 5, 9).map(
  (limit): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      await r.f.engine.setBacklogLimit(r.topic, limit);
      m.backlogLimit = limit;
      await sync(m, r);
    },
    toString: () => `setBacklogLimit(${limit})`,
  }),
);

/** archive-oldest twice as often: it is the policy with the most to get wrong. */
const backlogPolicyCmd = fc.constantFrom<BacklogPolicy>('reject', 'archive-oldest', 'archive-oldest').map(
  (policy): Cmd => ({
    check: always,
    async run(m, r) {
      await sync(m, r);
      await r.f.engine.setBacklogPolicy(r.topic, policy);
      m.backlogPolicy = policy;
      await sync(m, r);
    },
    toString: () => `setBacklogPolicy(${policy})`,
  }),
);

/** fc.commands picks uniformly from this list: repeats weight the data-path commands and the
 * backlog settings (archive-oldest only acts once both a limit and the policy are set). */
export const commands = [publishCmd, publishCmd, publishCmd, receiveCmd, receiveCmd, receiveCmd, settleCmd, settleCmd, advanceCmd, advanceCmd, restartCmd, topicTtlCmd, backlogCmd, backlogCmd, backlogPolicyCmd, backlogPolicyCmd];
