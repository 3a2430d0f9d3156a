import { afterEach, describe, expect, it } from 'vitest';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

async function setup() {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now });
  const topic = freshName('fifo');
  await f.store.createTopic(topic, 1);
  await f.engine.createSubscription(topic, 's', { config: { ordering: 'key', maxAttempts: 2, backoff: { baseMs: 100, factor: 1, capMs: 100, jitter: 0 } } });
  await f.engine.publish(topic, [
    { key: 'k1', value: 'a' },
    { key: 'k1', value: 'b' },
    { key: 'k2', value: 'c' },
    { value: 'no-key-1' },
    { key: 'k1', value: 'd' },
    { value: 'no-key-2' },
  ]);
  return { f, clock, topic };
}

const values = (ms: { value: Buffer | null }[]) => ms.map((m) => text(m.value));

describe('per-key FIFO subscriptions', () => {
  it('leases the next message of a key only after the previous one is acked; other keys flow', async () => {
    const { f, clock, topic } = await setup();
    const first = await f.engine.receive(topic, 's', { max: 10 });
    expect(values(first)).toEqual(['a', 'c', 'no-key-1', 'no-key-2']);
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);

    await f.engine.ack([first[0]!.receipt]);
    const second = await f.engine.receive(topic, 's', { max: 10 });
    expect(values(second)).toEqual(['b']);

    // A nack keeps the key held: d waits while b waits for redelivery.
    await f.engine.nack(second[0]!.receipt, { reason: 'later' });
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);
    clock.advance(100);
    const retry = await f.engine.receive(topic, 's', { max: 10 });
    expect(values(retry)).toEqual(['b']);
    expect(retry[0]!.attempt).toBe(2);

    // Dead-lettering b releases the key too.
    await f.engine.nack(retry[0]!.receipt);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['d']);
  });

  it('keeps the order across a restart', async () => {
    const { f, topic } = await setup();
    const first = await f.engine.receive(topic, 's', { max: 2 });
    expect(values(first)).toEqual(['a', 'c']);
    await f.restart();
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['no-key-1', 'no-key-2']);
    await f.engine.ack([first[1]!.receipt]);
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);
    await f.engine.ack([first[0]!.receipt]);
    const next = await f.engine.receive(topic, 's', { max: 10 });
    expect(values(next)).toEqual(['b']);
    await f.restart();
    await f.engine.ack([next[0]!.receipt]);
    expect(values(await f.engine.receive(topic, 's', { max: 10 }))).toEqual(['d']);
  });
});
