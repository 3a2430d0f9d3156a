/**
 * Contract: consumer groups seen through the connector while a real kafkajs consumer runs: lag,
 * members and assignments, reset offsets (dry-run, refused while active, applied once empty,
 * honoured by kafkajs afterwards), delete. Needs a Kafka-speaking backend; others must refuse
 * groups operations as UNSUPPORTED.
 */
import type { Consumer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { consumer, expectCode, fresh, kafkaClient, waitFor, whenSupported, type ContractContext } from './helpers.js';

export function defineGroupContract(ctx: ContractContext): void {
  describe('consumer groups', () => {
    it('a kafkajs group shows members, assignments and lag; reset and delete obey the group state', { timeout: 120_000 }, async () => {
      const c = ctx.connector;
      const groupId = fresh('cg-lag');
      await whenSupported(c.capabilities.groups, () => c.getGroup(groupId), async () => {
        if (!ctx.kafkaBrokers) throw new Error('a connector with consumer groups must give the contract Kafka bootstrap servers');
        const kafka = kafkaClient(ctx.kafkaBrokers);
        const topic = fresh('cg-topic');
        await ctx.createTopic(topic, 1);
        for (let i = 0; i < 10; i++) await c.produceMessage({ topic, partition: 0, value: `m${i}` });

        // The consumer commits after every message (threshold 1) and stops at offset 5 until
        // released: the group is then Stable with a committed offset of 5 and a lag of 5.
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const seen: number[] = [];
        const first = consumer(kafka, groupId, {});
        let second: Consumer | undefined;
        try {
          await first.connect();
          await first.subscribe({ topic, fromBeginning: true });
          await first.run({
            autoCommitThreshold: 1,
            eachMessage: async ({ message }) => {
              const offset = Number(message.offset);
              if (offset === 5) await gate;
              seen.push(offset);
            },
          });
          const held = await waitFor(() => c.getGroup(groupId), (g) => g.state === 'Stable' && g.offsets[0]?.committedOffset === 5, 'committed offset 5');
          expect(held.members).toBe(1);
          expect(held.memberList[0]!.assignments).toEqual([{ topic, partitions: [0] }]);
          expect(held.offsets).toEqual([{ topic, partition: 0, committedOffset: 5, endOffset: 10, lag: 5, memberId: held.memberList[0]!.memberId }]);
          expect(held.totalLag).toBe(5);
          const listed = await c.listGroups({ search: groupId });
          expect(listed.items).toEqual([expect.objectContaining({ groupId, state: 'Stable', members: 1, totalLag: 5, topics: [topic] })]);

          release();
          const drained = await waitFor(() => c.getGroup(groupId), (g) => g.totalLag === 0, 'lag 0 after consuming');
          expect(drained.offsets[0]!.committedOffset).toBe(10);

          // Active members: the preview works, applying is refused, nothing changes.
          const preview = await c.resetOffsets({ groupId, topic, to: { kind: 'earliest' } });
          expect(preview).toMatchObject({ dryRun: true, applicable: false, partitions: [{ topic, partition: 0, previousOffset: 10, newOffset: 0, clamped: false }] });
          await expectCode(c.resetOffsets({ groupId, topic, to: { kind: 'offset', offset: 3 }, dryRun: false }), 'CONFLICT', /empty/);
          await expectCode(c.deleteGroup(groupId), 'CONFLICT');
          expect((await c.getGroup(groupId)).offsets[0]!.committedOffset).toBe(10);
        } finally {
          release();
          await first.disconnect();
        }

        await waitFor(() => c.getGroup(groupId), (g) => g.state === 'Empty' && g.members === 0, 'group empty after the consumer left');
        await whenSupported(c.capabilities.resetOffsets, () => c.resetOffsets({ groupId, topic, to: { kind: 'earliest' } }), async () => {
          const dry = await c.resetOffsets({ groupId, topic, to: { kind: 'offset', offset: 3 } });
          expect(dry).toMatchObject({ dryRun: true, applicable: true, groupState: 'Empty', partitions: [{ partition: 0, previousOffset: 10, newOffset: 3 }] });
          expect((await c.getGroup(groupId)).offsets[0]!.committedOffset).toBe(10);

          const applied = await c.resetOffsets({ groupId, topic, to: { kind: 'offset', offset: 3 }, dryRun: false });
          expect(applied.partitions[0]!.newOffset).toBe(3);
          const after = await c.getGroup(groupId);
          expect(after.offsets[0]).toMatchObject({ committedOffset: 3, lag: 7 });

          // kafkajs resumes from the reset offset, not from where it had stopped.
          const resumed: number[] = [];
          second = consumer(kafka, groupId);
          await second.connect();
          await second.subscribe({ topic, fromBeginning: false });
          await second.run({ eachMessage: async ({ message }) => void resumed.push(Number(message.offset)) });
          await waitFor(async () => resumed.length, (n) => n >= 7, 'seven messages after the reset');
          expect(resumed).toEqual([3, 4, 5, 6, 7, 8, 9]);
          await second.disconnect();
          second = undefined;
        });
        await second?.disconnect();

        await waitFor(() => c.getGroup(groupId), (g) => g.state === 'Empty', 'group empty again');
        await whenSupported(c.capabilities.deleteGroup, () => c.deleteGroup(groupId), async () => {
          await c.deleteGroup(groupId);
          await expectCode(c.getGroup(groupId), 'NOT_FOUND');
          await expectCode(c.deleteGroup(groupId), 'NOT_FOUND');
          expect((await c.listGroups({ search: groupId })).total).toBe(0);
        });
      });
    });

    it('previews every reset target over several partitions, clamping into range', { timeout: 60_000 }, async () => {
      const c = ctx.connector;
      const groupId = fresh('cg-reset');
      await whenSupported(c.capabilities.resetOffsets, () => c.resetOffsets({ groupId, topic: 'x', to: { kind: 'latest' } }), async () => {
        if (!ctx.kafkaBrokers) throw new Error('a connector that resets offsets must give the contract Kafka bootstrap servers');
        const topic = fresh('cg-reset-topic');
        await ctx.createTopic(topic, 2);
        const t0 = Date.UTC(2025, 2, 1);
        for (let i = 0; i < 6; i++) await c.produceMessage({ topic, partition: 0, value: `a${i}`, timestamp: t0 + i * 1000 });
        for (let i = 0; i < 4; i++) await c.produceMessage({ topic, partition: 1, value: `b${i}`, timestamp: t0 + i * 1000 });
        // A group with committed offsets and no members, as an admin tool would create it.
        const admin = kafkaClient(ctx.kafkaBrokers).admin();
        await admin.connect();
        try {
          await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '4' }, { partition: 1, offset: '1' }] });
        } finally {
          await admin.disconnect();
        }
        const plan = async (to: Parameters<typeof c.resetOffsets>[0]['to']) =>
          (await c.resetOffsets({ groupId, topic, to })).partitions.map((p) => [p.partition, p.previousOffset, p.newOffset, p.clamped]);
        expect(await plan({ kind: 'earliest' })).toEqual([[0, 4, 0, false], [1, 1, 0, false]]);
        expect(await plan({ kind: 'latest' })).toEqual([[0, 4, 6, false], [1, 1, 4, false]]);
        expect(await plan({ kind: 'shiftBy', delta: -2 })).toEqual([[0, 4, 2, false], [1, 1, 0, true]]);
        expect(await plan({ kind: 'shiftBy', delta: 1 })).toEqual([[0, 4, 5, false], [1, 1, 2, false]]);
        expect(await plan({ kind: 'offset', offset: 5 })).toEqual([[0, 4, 5, false], [1, 1, 4, true]]);
        expect(await plan({ kind: 'timestamp', timestamp: t0 + 2500 })).toEqual([[0, 4, 3, false], [1, 1, 3, false]]);
        expect(await plan({ kind: 'timestamp', timestamp: t0 + 60_000 })).toEqual([[0, 4, 6, false], [1, 1, 4, false]]);
        const one = await c.resetOffsets({ groupId, topic, partitions: [1], to: { kind: 'latest' }, dryRun: false });
        expect(one.partitions.map((p) => p.partition)).toEqual([1]);
        const g = await c.getGroup(groupId);
        expect(g.offsets.map((o) => [o.partition, o.committedOffset, o.lag])).toEqual([[0, 4, 2], [1, 4, 0]]);
        await expectCode(c.resetOffsets({ groupId, topic, partitions: [5], to: { kind: 'latest' } }), 'NOT_FOUND');
        await expectCode(c.resetOffsets({ groupId, topic, to: { kind: 'offset', offset: -1 } }), 'INVALID');
        await expectCode(c.resetOffsets({ groupId, topic, to: { kind: 'sideways' } as never }), 'INVALID');
        expect((await c.getGroup(groupId)).offsets.map((o) => o.committedOffset)).toEqual([4, 4]);
      });
    });
  });
}
