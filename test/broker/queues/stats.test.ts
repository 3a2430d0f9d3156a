import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../broker/errors.js';
import { MAX_ATTEMPT_BUCKETS } from '../../../broker/queues/index.js';
import { freshName, manualClock, queueFixture } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

/** Redelivery 10 ms after a failure, no jitter: the test moves the clock past it by hand. */
const BACKOFF = { baseMs: 10, factor: 1, capMs: 10, jitter: 0 };

describe('attempts histogram', () => {
  it('counts unsettled messages by the attempt they are on, and dead letters', async () => {
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const topic = freshName('stats');
    await f.store.createTopic(topic, 2);
    await f.engine.createSubscription(topic, 'billing', { config: { maxAttempts: 3, backoff: BACKOFF } });
    await f.engine.publish(topic, ['a', 'b', 'c', 'd'].map((v) => ({ key: v, value: v })));
    expect(f.engine.attemptsHistogram(topic, 'billing')).toEqual({ byAttempt: [4, 0, 0], deadLettered: 0 });

    // Two messages fail once: they wait for their second attempt.
    const first = await f.engine.receive(topic, 'billing', { max: 2, leaseMs: 1000 });
    expect(first).toHaveLength(2);
    // Leased for attempt 1: still on attempt 1.
    expect(f.engine.attemptsHistogram(topic, 'billing').byAttempt).toEqual([4, 0, 0]);
    for (const m of first) await f.engine.nack(m.receipt);
    expect(f.engine.attemptsHistogram(topic, 'billing').byAttempt).toEqual([2, 2, 0]);

    // One of them fails again: it waits for its third (and last) attempt.
    clock.advance(10);
    const again = await f.engine.receive(topic, 'billing', { max: 4, leaseMs: 1000 });
    const retried = again.filter((m) => m.attempt === 2);
    expect(retried).toHaveLength(2);
    // Leased: two on attempt 2 now, the two fresh ones leased for attempt 1.
    expect(f.engine.attemptsHistogram(topic, 'billing').byAttempt).toEqual([2, 2, 0]);
    await f.engine.nack(retried[0]!.receipt);
    expect(f.engine.attemptsHistogram(topic, 'billing')).toEqual({ byAttempt: [2, 1, 1], deadLettered: 0 });

    // The others succeed: only the message waiting for its last attempt is left.
    await f.engine.ack(again.filter((m) => m.receipt !== retried[0]!.receipt).map((m) => m.receipt));
    expect(f.engine.attemptsHistogram(topic, 'billing')).toEqual({ byAttempt: [0, 0, 1], deadLettered: 0 });

    // The state is durable: a restart rebuilds the same histogram from the journal.
    await f.restart();
    expect(f.engine.attemptsHistogram(topic, 'billing')).toEqual({ byAttempt: [0, 0, 1], deadLettered: 0 });

    // Its third attempt fails too: dead-lettered, no longer unsettled.
    clock.advance(10);
    const [last] = await f.engine.receive(topic, 'billing', { leaseMs: 1000 });
    expect(last!.attempt).toBe(3);
    expect((await f.engine.nack(last!.receipt)).deadLettered).toBe(true);
    expect(f.engine.attemptsHistogram(topic, 'billing')).toEqual({ byAttempt: [0, 0, 0], deadLettered: 1 });
  });

  it('folds later attempts into the last bucket, which is capped', async () => {
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const topic = freshName('stats-cap');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 'wide', { config: { maxAttempts: 50, backoff: BACKOFF } });
    await f.engine.publish(topic, [{ value: 'x' }]);
    expect(f.engine.attemptsHistogram(topic, 'wide').byAttempt).toHaveLength(MAX_ATTEMPT_BUCKETS);
    for (let i = 0; i < 3; i++) {
      const [m] = await f.engine.receive(topic, 'wide', { leaseMs: 1000 });
      await f.engine.nack(m!.receipt);
      clock.advance(10);
    }
    expect(f.engine.attemptsHistogram(topic, 'wide').byAttempt.slice(0, 5)).toEqual([0, 0, 0, 1, 0]);

    // maxAttempts lowered below the attempt the message waits for: counted as "2 or later".
    await f.engine.updateSubscription(topic, 'wide', { maxAttempts: 2 });
    expect(f.engine.attemptsHistogram(topic, 'wide').byAttempt).toEqual([0, 1]);
  });

  it('refuses an unknown subscription', async () => {
    const f = await fx.start();
    const topic = freshName('stats-none');
    await f.store.createTopic(topic, 1);
    let err: unknown;
    try {
      f.engine.attemptsHistogram(topic, 'nobody');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('UNKNOWN_SUBSCRIPTION');
  });
});
