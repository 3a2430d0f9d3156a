import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../broker/queues/subscription-config.js';
import { decodeReceipt, encodeReceipt } from '../../../broker/queues/receipt.js';
import { expectCode } from '../storage/helpers.js';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

const BACKOFF = { baseMs: 1000, factor: 2, capMs: 10_000, jitter: 0 };

async function setup(partitions = 1, config: Record<string, unknown> = {}) {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now });
  const topic = freshName('orders');
  await f.store.createTopic(topic, partitions);
  await f.engine.createSubscription(topic, 'workers', { config: { backoff: BACKOFF, defaultLeaseMs: 5000, ...config } });
  return { f, clock, topic, e: f.engine };
}

describe('queue subscriptions with leases', () => {
  it('leases each message to one consumer at a time and acks single and batch', async () => {
    const { e, topic } = await setup(3);
    const pos = await e.publish(topic, Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
    expect(new Set(pos.map((p) => `${p.partition}:${p.offset}`)).size).toBe(10);
    const a = await e.receive(topic, 'workers', { max: 4 });
    const b = await e.receive(topic, 'workers', { max: 10 });
    expect(a).toHaveLength(4);
    expect(b).toHaveLength(6);
    const all = [...a, ...b].map((m) => text(m.value)).sort();
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect([...a, ...b].every((m) => m.attempt === 1)).toBe(true);
    expect(await e.receive(topic, 'workers', { max: 10 })).toHaveLength(0);
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ depth: 10, inFlight: 10, acked: 0 });

    await e.ack([a[0]!.receipt]);
    await e.ack([...a.slice(1), ...b].map((m) => m.receipt));
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ depth: 0, inFlight: 0, acked: 10 });
    const d = e.describeSubscription(topic, 'workers');
    for (const p of d.partitions) expect(p.cursor).toBe(p.logEndOffset);
  });

  it('starts at the log end by default and at the log start with startAt earliest', async () => {
    const { e, topic } = await setup();
    await e.publish(topic, [{ value: 'after-workers' }]);
    await e.createSubscription(topic, 'late');
    await e.createSubscription(topic, 'replay', { startAt: 'earliest' });
    await e.publish(topic, [{ value: 'second' }]);
    expect((await e.receive(topic, 'late', { max: 10 })).map((m) => text(m.value))).toEqual(['second']);
    expect((await e.receive(topic, 'replay', { max: 10 })).map((m) => text(m.value))).toEqual(['after-workers', 'second']);
  });

  it('redelivers an expired lease after exponential backoff, with the attempt number', async () => {
    const { e, topic, clock } = await setup();
    await e.publish(topic, [{ value: 'x' }]);
    const [first] = await e.receive(topic, 'workers', { leaseMs: 1000 });
    expect(first!.attempt).toBe(1);
    clock.advance(1000);
    e.tick();
    // attempt 1 failed: backoff base 1000 ms
    expect(await e.receive(topic, 'workers')).toHaveLength(0);
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 0, delayed: 1 });
    clock.advance(999);
    expect(await e.receive(topic, 'workers')).toHaveLength(0);
    clock.advance(1);
    const [second] = await e.receive(topic, 'workers', { leaseMs: 1000 });
    expect(second!.attempt).toBe(2);
    expect(text(second!.value)).toBe('x');
    // attempt 2 failed: 2000 ms
    await e.nack(second!.receipt, { reason: 'db down' });
    clock.advance(1999);
    expect(await e.receive(topic, 'workers')).toHaveLength(0);
    clock.advance(1);
    const [third] = await e.receive(topic, 'workers');
    expect(third!.attempt).toBe(3);
  });

  it('rejects stale, settled and forged receipts precisely, and changes nothing', async () => {
    const { e, topic, clock } = await setup();
    await e.publish(topic, [{ value: 'a' }, { value: 'b' }]);
    const [m1, m2] = await e.receive(topic, 'workers', { max: 2, leaseMs: 1000 });
    clock.advance(1000);
    const expired = await expectCode(e.ack([m1!.receipt]), 'STALE_RECEIPT');
    expect(expired.message).toMatch(/lease expired/);
    e.tick();
    clock.advance(1000);
    const again = await e.receive(topic, 'workers', { max: 2 });
    expect(again.map((m) => m.attempt)).toEqual([2, 2]);
    const reLeased = await expectCode(e.ack([m1!.receipt]), 'STALE_RECEIPT');
    expect(reLeased.message).toMatch(/leased again/);

    // A batch with one bad receipt acks nothing.
    const bad = await expectCode(e.ack([again[0]!.receipt, m2!.receipt]), 'STALE_RECEIPT');
    expect(bad.details.failures).toHaveLength(1);
    expect(e.describeSubscription(topic, 'workers').counts.acked).toBe(0);

    await e.ack([again[0]!.receipt]);
    await expectCode(e.ack([again[0]!.receipt]), 'MESSAGE_SETTLED');
    await expectCode(e.ack([again[1]!.receipt, again[1]!.receipt]), 'INVALID_REQUEST');

    await expectCode(e.ack(['not a receipt']), 'INVALID_RECEIPT');
    const forged = encodeReceipt({ ...decodeReceipt(again[1]!.receipt), token: 'AAAAAAAAAAAAAAAA' });
    await expectCode(e.ack([forged]), 'STALE_RECEIPT');
    const foreign = encodeReceipt({ ...decodeReceipt(again[1]!.receipt), subscription: 'nope' });
    await expectCode(e.ack([foreign]), 'INVALID_RECEIPT');
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ acked: 1, inFlight: 1 });
    await e.ack([again[1]!.receipt]);
  });

  it('acks the receipts a receive carries before leasing, all or none, durably', async () => {
    const { f, e, topic } = await setup();
    await e.publish(topic, Array.from({ length: 6 }, (_, i) => ({ value: `m${i}` })));
    const first = await e.receive(topic, 'workers', { max: 3 });
    const second = await e.receive(topic, 'workers', { max: 3, ack: first.map((m) => m.receipt) });
    expect(second.map((m) => text(m.value))).toEqual(['m3', 'm4', 'm5']);
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ acked: 3, inFlight: 3, depth: 3 });

    // One bad receipt (already acked): the call fails, nothing else is acked, nothing is leased.
    await e.publish(topic, [{ value: 'm6' }]);
    const bad = await expectCode(e.receive(topic, 'workers', { max: 5, ack: [second[0]!.receipt, first[0]!.receipt] }), 'MESSAGE_SETTLED');
    expect(bad.details.failures).toEqual([expect.objectContaining({ index: 1, code: 'MESSAGE_SETTLED' })]);
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ acked: 3, inFlight: 3, depth: 4 });
    // Bad receive options are refused before any ack is applied.
    await expectCode(e.receive(topic, 'workers', { max: 0, ack: [second[0]!.receipt] }), 'INVALID_REQUEST');
    expect(e.describeSubscription(topic, 'workers').counts.acked).toBe(3);

    // A long poll with nothing to lease still applies its acks at once.
    const third = await e.receive(topic, 'workers', { max: 5, ack: second.map((m) => m.receipt) });
    expect(third.map((m) => text(m.value))).toEqual(['m6']);
    const polling = e.receive(topic, 'workers', { max: 5, waitMs: 200, ack: [third[0]!.receipt] });
    await new Promise((r) => setTimeout(r, 20));
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ acked: 7, inFlight: 0 });
    expect(await polling).toEqual([]);

    // Replayed from the journal alone, as after a crash.
    await f.dirtyRestart();
    expect(f.engine.describeSubscription(topic, 'workers').counts).toMatchObject({ acked: 7, inFlight: 0, depth: 0 });
  });

  it('extends a lease so it does not expire', async () => {
    const { e, topic, clock } = await setup();
    await e.publish(topic, [{ value: 'slow' }]);
    const [m] = await e.receive(topic, 'workers', { leaseMs: 1000 });
    clock.advance(900);
    const { leaseExpiresAt } = await e.extend(m!.receipt, 5000);
    expect(leaseExpiresAt).toBe(clock.now() + 5000);
    clock.advance(4000);
    e.tick();
    expect(e.describeSubscription(topic, 'workers').counts.inFlight).toBe(1);
    await e.ack([m!.receipt]);
    await expectCode(e.extend(m!.receipt, 1000), 'MESSAGE_SETTLED');
    await expectCode(e.extend(m!.receipt, 1), 'INVALID_REQUEST');
  });

  it('changes each message of one receive on its own: extend, nack, expiry and ack', async () => {
    // The messages of a first lease share state in memory (state.ts, MessageMeta.shared); a
    // change to one must not reach the others, live or after a replay of the journal.
    const { f, e, topic, clock } = await setup();
    await e.publish(topic, ['a', 'b', 'c', 'd'].map((value) => ({ value })));
    const [a, b, c, d] = await e.receive(topic, 'workers', { max: 4, leaseMs: 1000 });
    expect([a, b, c, d].map((m) => m!.leaseExpiresAt)).toEqual(Array(4).fill(clock.now() + 1000));
    await e.extend(a!.receipt, 5000);
    await e.nack(b!.receipt, { reason: 'bad' });
    await e.ack([d!.receipt]);
    expect(e.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 2, delayed: 1, acked: 1 });

    await f.dirtyRestart();
    const e2 = f.engine;
    expect(e2.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 2, delayed: 1, acked: 1 });
    clock.advance(1000);
    e2.tick();
    // c's lease ended (its retry waits for the backoff); a's was extended; b's retry is due now.
    await expectCode(e2.ack([c!.receipt]), 'STALE_RECEIPT');
    expect(e2.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 1, delayed: 1 });
    clock.advance(1000);
    const again = await e2.receive(topic, 'workers', { max: 4 });
    expect(again.map((m) => [text(m.value), m.attempt]).sort()).toEqual([['b', 2], ['c', 2]]);
    await e2.ack([a!.receipt, ...again.map((m) => m.receipt)]);
    expect(e2.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 0, delayed: 0, acked: 4, depth: 0 });
  });

  it('validates receive options, names and configs', async () => {
    const { e, topic } = await setup();
    await expectCode(e.receive(topic, 'missing'), 'UNKNOWN_SUBSCRIPTION');
    await expectCode(e.receive(topic, 'workers', { max: 0 }), 'INVALID_REQUEST');
    await expectCode(e.receive(topic, 'workers', { leaseMs: 1.5 }), 'INVALID_REQUEST');
    await expectCode(e.createSubscription(topic, 'workers'), 'SUBSCRIPTION_EXISTS');
    await expectCode(e.createSubscription(topic, 'bad name'), 'INVALID_REQUEST');
    await expectCode(e.createSubscription('no-such-topic', 'x'), 'UNKNOWN_TOPIC');
    await expectCode(e.createSubscription(topic, 'x', { config: { maxAttempts: 0 } }), 'INVALID_CONFIG');
    await expectCode(e.createSubscription(topic, 'x', { config: { backoff: { capMs: 1, baseMs: 10 } } }), 'INVALID_CONFIG');
    await expectCode(e.createSubscription(topic, 'x', { config: { colour: 'blue' } as never }), 'INVALID_CONFIG');
    expect(e.listSubscriptions(topic).map((s) => s.name)).toEqual(['workers']);
    await expectCode(e.publish(topic, []), 'INVALID_REQUEST');
    await expectCode(e.publish(topic, [{ value: 'x', partition: 7 }]), 'UNKNOWN_PARTITION');
    await expectCode(e.publish(topic, [{ value: 5 as never }]), 'INVALID_REQUEST');
    expect(e.describeSubscription(topic, 'workers').partitions[0]!.logEndOffset).toBe(0);
    const updated = await e.updateSubscription(topic, 'workers', { maxAttempts: 9 });
    expect(updated.config.maxAttempts).toBe(9);
    expect(updated.config.backoff).toEqual(BACKOFF);
    await e.deleteSubscription(topic, 'workers');
    await expectCode(e.receive(topic, 'workers'), 'UNKNOWN_SUBSCRIPTION');
  });

  it('long polls until a message is published', async () => {
    const f = await fx.start();
    const topic = freshName('poll');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 's');
    const started = Date.now();
    const pending = f.engine.receive(topic, 's', { waitMs: 20_000 });
    setTimeout(() => void f.engine.publish(topic, [{ value: 'late' }]), 200);
    const got = await pending;
    expect(got.map((m) => text(m.value))).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await f.engine.receive(topic, 's', { waitMs: 50 })).toHaveLength(0);
  });
});

describe('backoffDelay', () => {
  it('grows by the factor, is capped, and jitter only shortens it', () => {
    const b = { baseMs: 100, factor: 3, capMs: 1000, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(b, n))).toEqual([100, 300, 900, 1000, 1000]);
    const j = { ...b, jitter: 0.5 };
    expect(backoffDelay(j, 2, () => 0)).toBe(300);
    expect(backoffDelay(j, 2, () => 0.999999)).toBe(150);
  });
});
