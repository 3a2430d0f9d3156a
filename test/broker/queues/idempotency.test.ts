import { afterEach, describe, expect, it } from 'vitest';
import { expectCode } from '../storage/helpers.js';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

async function setup() {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now, idempotencyWindowMs: 60_000 });
  const topic = freshName('idem');
  await f.store.createTopic(topic, 3);
  await f.engine.createSubscription(topic, 's');
  return { f, clock, topic };
}

const endOffsets = (f: Awaited<ReturnType<typeof setup>>['f'], topic: string) => [0, 1, 2].map((p) => f.store.offsets(topic, p).logEndOffset);

describe('idempotent publish', () => {
  it('appends a key once within the window and returns the original position to duplicates', async () => {
    const { f, clock, topic } = await setup();
    const [first] = await f.engine.publish(topic, [{ value: 'pay 10', idempotencyKey: 'order-1' }]);
    const before = endOffsets(f, topic);
    clock.advance(59_000);
    const again = await f.engine.publish(topic, [{ value: 'pay 10 (retry)', idempotencyKey: 'order-1' }, { value: 'other', idempotencyKey: 'order-2' }]);
    expect(again[0]).toEqual(first);
    expect(endOffsets(f, topic).reduce((a, b) => a + b)).toBe(before.reduce((a, b) => a + b) + 1);
    // Duplicates inside one batch and concurrent publishes share the first position.
    const [x, y] = await f.engine.publish(topic, [{ value: 'a', idempotencyKey: 'k3' }, { value: 'b', idempotencyKey: 'k3' }]);
    expect(y).toEqual(x);
    const [c1, c2] = await Promise.all([f.engine.publish(topic, [{ value: 'c', idempotencyKey: 'k4' }]), f.engine.publish(topic, [{ value: 'c', idempotencyKey: 'k4' }])]);
    expect(c2).toEqual(c1);
    const got = await f.engine.receive(topic, 's', { max: 100 });
    expect(got.map((m) => text(m.value)).sort()).toEqual(['a', 'c', 'other', 'pay 10']);
    // Past the window the key is new again.
    clock.advance(61_000);
    const [later] = await f.engine.publish(topic, [{ value: 'pay 10 next week', idempotencyKey: 'order-1' }]);
    expect(later).not.toEqual(first);
  });

  it('deduplicates across a restart, from the log', async () => {
    const { f, clock, topic } = await setup();
    const [first] = await f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'once' }]);
    await f.restart();
    clock.advance(30_000);
    expect(await f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'once' }])).toEqual([first]);
    expect(endOffsets(f, topic).reduce((a, b) => a + b)).toBe(1);
  });

  it('rejects malformed keys and appends nothing', async () => {
    const { f, topic } = await setup();
    await expectCode(f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'ok' }, { value: 'v', idempotencyKey: '' }]), 'INVALID_REQUEST');
    await expectCode(f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'x'.repeat(257) }]), 'INVALID_REQUEST');
    await expectCode(f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'ok' }, { value: 'v', delayMs: -1 }]), 'INVALID_REQUEST');
    expect(endOffsets(f, topic)).toEqual([0, 0, 0]);
    // The failed publishes did not reserve the key.
    const [r] = await f.engine.publish(topic, [{ value: 'v', idempotencyKey: 'ok' }]);
    expect(r!.offset).toBe(0);
  });
});
