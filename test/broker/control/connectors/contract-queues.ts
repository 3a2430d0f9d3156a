/**
 * Queue subscriptions in the connector contract: a subscription made through the backend's own
 * queue API shows up in listQueueSubscriptions with counts that follow publish, receive and a
 * nack that dead-letters.
 */
import { describe, expect, it } from 'vitest';
import { fresh, waitFor, whenSupported, type ContractContext } from './helpers.js';

export function defineQueueContract(ctx: ContractContext): void {
  describe('queue subscriptions', () => {
    it('lists a subscription with its counts after publish, receive and a dead-lettering nack', { timeout: 60_000 }, async () => {
      const c = ctx.connector;
      await whenSupported(c.capabilities.queues, () => c.listQueueSubscriptions(), async () => {
        const driver = ctx.queueDriver;
        if (!driver) throw new Error('the connector supports queues but its harness gives no queueDriver');
        const topic = fresh('cq-orders');
        const name = fresh('cq-billing');
        await ctx.createTopic(topic, 1);
        await driver.createSubscription(topic, name, 1);
        await driver.publish(topic, ['a', 'b', 'c']);
        const find = async () => (await c.listQueueSubscriptions()).find((s) => s.queue === topic && s.subscription === name);

        const fresh3 = await waitFor(find, (s) => s?.depth === 3, 'three ready messages');
        expect(fresh3).toMatchObject({ inFlight: 0, deadLettered: 0 });
        if (fresh3!.config) expect(fresh3!.config.maxAttempts).toBe(1);
        // maxAttempts 1: one bucket, every unsettled message is on its first (and last) attempt.
        if (fresh3!.attempts) expect(fresh3!.attempts).toEqual([3]);

        const receipts = await driver.receive(topic, name, 2);
        expect(receipts).toHaveLength(2);
        const leased = await waitFor(find, (s) => s?.inFlight === 2, 'two messages in flight');
        expect(leased!.depth).toBe(1);

        // maxAttempts 1: the first nack moves the message to the dead-letter topic.
        await driver.nack(receipts[0]!);
        const after = await waitFor(find, (s) => s?.deadLettered === 1, 'one dead letter');
        expect(after).toMatchObject({ depth: 1, inFlight: 1, deadLettered: 1 });
        if (after!.attempts) expect(after!.attempts).toEqual([2]);
        if (after!.deadLetterTopic) {
          const dlq = await c.getTopic(after!.deadLetterTopic);
          expect(dlq.partitionInfo.reduce((n, p) => n + p.high - p.low, 0)).toBe(1);
        }
        if (after!.partitions) {
          expect(after!.partitions).toEqual([{ partition: 0, cursor: expect.any(Number), end: 3 }]);
          expect(after!.partitions[0]!.cursor).toBeLessThanOrEqual(1);
        }
      });
    });
  });
}
