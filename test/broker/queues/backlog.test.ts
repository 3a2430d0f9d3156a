import { afterEach, describe, expect, it } from 'vitest';
import { expectCode } from '../storage/helpers.js';
import { freshName, queueFixture } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

describe('backlog limit (reject)', () => {
  it('refuses a publish that would take a subscription past the limit, and accepts again once drained', async () => {
    const f = await fx.start();
    const topic = freshName('bl');
    await f.store.createTopic(topic, 2);
    await f.engine.createSubscription(topic, 'fast');
    await f.engine.createSubscription(topic, 'slow');
    await f.engine.setBacklogLimit(topic, 5);
    await f.restart();
    expect(f.engine.backlogLimit(topic)).toBe(5);

    await f.engine.publish(topic, Array.from({ length: 4 }, (_, i) => ({ value: `m${i}` })));
    const fast = await f.engine.receive(topic, 'fast', { max: 10 });
    await f.engine.ack(fast.map((m) => m.receipt));
    const err = await expectCode(f.engine.publish(topic, [{ value: 'x' }, { value: 'y' }]), 'BACKLOG_FULL');
    expect(err.details).toMatchObject({ subscription: 'slow', depth: 4, limit: 5 });
    expect(f.store.offsets(topic, 0).logEndOffset + f.store.offsets(topic, 1).logEndOffset).toBe(4);
    await f.engine.publish(topic, [{ value: 'fits' }]);

    const slow = await f.engine.receive(topic, 'slow', { max: 10 });
    await f.engine.ack(slow.map((m) => m.receipt));
    await f.engine.publish(topic, [{ value: 'x' }, { value: 'y' }]);
    await f.engine.setBacklogLimit(topic, null);
    await f.engine.publish(topic, Array.from({ length: 20 }, () => ({ value: 'free' })));
    await expectCode(f.engine.setBacklogLimit(topic, 0), 'INVALID_CONFIG');
  });
});

describe('backlog limit and idempotent retries', () => {
  it('a retry of an already stored message is answered with its position even past the limit, and archives nothing', async () => {
    for (const policy of ['reject', 'archive-oldest'] as const) {
      const f = await fx.start();
      const topic = freshName('bl-dup');
      await f.store.createTopic(topic, 1);
      await f.engine.createSubscription(topic, 's');
      const [first] = await f.engine.publish(topic, [{ value: 'a', idempotencyKey: 'k' }, { value: 'b' }, { value: 'c' }]);
      await f.engine.setBacklogPolicy(topic, policy);
      await f.engine.setBacklogLimit(topic, 1); // lowered below the depth of 3
      expect(await f.engine.publish(topic, [{ value: 'a', idempotencyKey: 'k' }]), policy).toEqual([first]);
      expect(f.engine.describeSubscription(topic, 's').counts, policy).toMatchObject({ depth: 3, expired: 0 });
      // A publish that does add is still held to the limit, by each policy's rule.
      if (policy === 'reject') {
        await expectCode(f.engine.publish(topic, [{ value: 'd' }]), 'BACKLOG_FULL');
      } else {
        await f.engine.publish(topic, [{ value: 'd' }]);
        expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 1, expired: 3 });
      }
    }
  });
});
