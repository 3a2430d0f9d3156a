import { afterEach, describe, expect, it } from 'vitest';
import { DELIVER_AT_HEADER } from '../../../broker/queues/delay.js';
import { expectCode } from '../storage/helpers.js';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

async function setup() {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now });
  const topic = freshName('later');
  await f.store.createTopic(topic, 2);
  await f.engine.createSubscription(topic, 's');
  return { f, clock, topic };
}

const values = (ms: { value: Buffer | null }[]) => ms.map((m) => text(m.value)).sort();

describe('delayed delivery', () => {
  it('holds a message back until its delay or time has passed', async () => {
    const { f, clock, topic } = await setup();
    const t0 = clock.now();
    await f.engine.publish(topic, [{ value: 'now' }, { value: 'in-1s', delayMs: 1000 }, { value: 'at-3s', deliverAt: t0 + 3000 }, { value: 'past', deliverAt: t0 - 5 }]);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['now', 'past']);
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ delayed: 2, depth: 4, inFlight: 2 });
    clock.advance(999);
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);
    clock.advance(1);
    const second = await f.engine.receive(topic, 's', { max: 10 });
    expect(values(second)).toEqual(['in-1s']);
    expect(second[0]!.headers.find((h) => h.key === DELIVER_AT_HEADER)?.value?.toString()).toBe(String(t0 + 1000));
    clock.advance(2000);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['at-3s']);
    expect(f.engine.describeSubscription(topic, 's').counts.delayed).toBe(0);
  });

  it('keeps the schedule across a restart (the log is the schedule) and honours the header from any producer', async () => {
    const { f, clock, topic } = await setup();
    await f.engine.publish(topic, [{ value: 'a', delayMs: 5000 }, { value: 'b', delayMs: 10_000 }]);
    // A Kafka producer sets the header itself; publish with raw headers does the same.
    await f.engine.publish(topic, [{ value: 'c', headers: { [DELIVER_AT_HEADER]: String(clock.now() + 7000) } }]);
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);
    await f.restart();
    clock.advance(7000);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['a', 'c']);
    await f.restart();
    clock.advance(3000);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['b']);
  });

  it('wakes a long poll when a delayed message comes due', async () => {
    const f = await fx.start();
    const topic = freshName('later');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 's');
    await f.engine.publish(topic, [{ value: 'soon', delayMs: 300 }]);
    expect(await f.engine.receive(topic, 's')).toHaveLength(0);
    const got = await f.engine.receive(topic, 's', { waitMs: 20_000 });
    expect(values(got)).toEqual(['soon']);
  });

  it('rejects malformed delays and publishes nothing', async () => {
    const { f, topic } = await setup();
    await expectCode(f.engine.publish(topic, [{ value: 'x' }, { value: 'y', delayMs: -1 }]), 'INVALID_REQUEST');
    await expectCode(f.engine.publish(topic, [{ value: 'y', delayMs: 1, deliverAt: 5 }]), 'INVALID_REQUEST');
    await expectCode(f.engine.publish(topic, [{ value: 'y', deliverAt: 1.5 }]), 'INVALID_REQUEST');
    await expectCode(f.engine.publish(topic, [{ value: 'y', delayMs: 400 * 24 * 3600_000 }]), 'INVALID_REQUEST');
    expect(f.store.offsets(topic, 0).logEndOffset + f.store.offsets(topic, 1).logEndOffset).toBe(0);
  });
});
