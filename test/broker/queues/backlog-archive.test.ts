/**
 * Backlog overflow policy `archive-oldest` (broker/queues/backlog-archive.ts), against a real
 * FileLogStore in a temp dir: depth stays within the limit under a burst, the oldest waiting
 * messages go to `<topic>.expired` with provenance and reason `backlog-overflow`, leased messages
 * are never taken (the publish is refused instead), and the settlement survives clean and unclean
 * restarts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BACKLOG_OVERFLOW_REASON } from '../../../broker/queues/archive.js';
import { parseDeadLetterProvenance } from '../../../broker/queues/provenance.js';
import { ARCHIVED_TIME_HEADER, EXPIRED_REASON_HEADER } from '../../../broker/queues/ttl.js';
import { expectCode } from '../storage/helpers.js';
import { archived, freshName, header, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

describe('backlog overflow policy archive-oldest', () => {
  it('is a durable, validated topic setting (default reject)', async () => {
    const f = await fx.start();
    const topic = freshName('bp');
    await f.store.createTopic(topic, 1);
    expect(f.engine.backlogPolicy(topic)).toBe('reject');
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    await f.restart();
    expect(f.engine.backlogPolicy(topic)).toBe('archive-oldest');
    await f.engine.snapshot();
    await f.dirtyRestart();
    expect(f.engine.backlogPolicy(topic)).toBe('archive-oldest');
    await expectCode(f.engine.setBacklogPolicy(topic, 'drop-newest' as never), 'INVALID_CONFIG');
    await expectCode(f.engine.setBacklogPolicy('no-such-topic', 'reject'), 'UNKNOWN_TOPIC');
    await f.engine.setBacklogPolicy(topic, 'reject');
    expect(f.engine.backlogPolicy(topic)).toBe('reject');
  });

  it('archives the oldest waiting messages with provenance and reason, and the publish succeeds', async () => {
    const f = await fx.start();
    const topic = freshName('bp');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 'slow');
    await f.engine.createSubscription(topic, 'fast');
    await f.engine.setBacklogLimit(topic, 5);
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    await f.engine.publish(topic, Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `m${i}`, headers: { trace: `t${i}` } })));
    const fast = await f.engine.receive(topic, 'fast', { max: 10 });
    await f.engine.ack(fast.map((m) => m.receipt));

    const res = await f.engine.publish(topic, [{ value: 'm5' }, { value: 'm6' }]);
    expect(res.map((r) => r.offset)).toEqual([5, 6]);
    expect(f.engine.describeSubscription(topic, 'slow').counts).toMatchObject({ depth: 5, expired: 2 });
    // 'fast' had room: nothing of it is archived.
    expect(f.engine.describeSubscription(topic, 'fast').counts).toMatchObject({ depth: 2, expired: 0 });

    const arch = await archived(f.store, topic);
    expect(arch.map((r) => text(r.value))).toEqual(['m0', 'm1']);
    expect(parseDeadLetterProvenance(arch[0]!.headers)).toMatchObject({ source: 'sluice', topic, partition: 0, offset: 0, subscription: 'slow', attempts: 0 });
    expect(text(arch[1]!.key)).toBe('k1');
    expect(header(arch[1]!, 'trace')).toBe('t1');
    expect(header(arch[1]!, EXPIRED_REASON_HEADER)).toBe(BACKLOG_OVERFLOW_REASON);
    expect(Number(header(arch[1]!, ARCHIVED_TIME_HEADER))).toBeGreaterThan(0);

    expect((await f.engine.receive(topic, 'slow', { max: 10 })).map((m) => text(m.value))).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('keeps every subscription within the limit under a burst of concurrent publishes, losing nothing', async () => {
    const f = await fx.start();
    const topic = freshName('bp');
    await f.store.createTopic(topic, 3);
    await f.engine.createSubscription(topic, 'a');
    await f.engine.createSubscription(topic, 'b');
    await f.engine.setBacklogLimit(topic, 10);
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    let maxDepth = 0;
    const sample = () => {
      for (const d of f.engine.listSubscriptions(topic)) maxDepth = Math.max(maxDepth, d.counts.depth);
    };
    const sent = Array.from({ length: 60 }, (_, i) => `v${i}`);
    await Promise.all([
      ...sent.slice(0, 40).map((value) => f.engine.publish(topic, [{ value }]).then(sample)),
      ...[40, 45, 50, 55].map((i) => f.engine.publish(topic, sent.slice(i, i + 5).map((value) => ({ value }))).then(sample)),
    ]);
    expect(maxDepth).toBeLessThanOrEqual(10);
    const arch = await archived(f.store, topic);
    for (const sub of ['a', 'b']) {
      expect(f.engine.describeSubscription(topic, sub).counts).toMatchObject({ depth: 10, expired: 50 });
      const moved = arch.filter((r) => header(r, 'sluice-subscription') === sub).map((r) => text(r.value)!);
      const kept = (await f.engine.receive(topic, sub, { max: 100 })).map((m) => text(m.value)!);
      expect(kept).toHaveLength(10);
      expect(new Set(moved).size).toBe(50);
      expect([...moved, ...kept].sort()).toEqual([...sent].sort());
    }
  });

  it('never takes leased messages: archives waiting ones (redeliveries included), refuses when only leased ones are left', async () => {
    const f = await fx.start();
    const topic = freshName('bp');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 's', { config: { backoff: { baseMs: 60_000, factor: 1, capMs: 60_000, jitter: 0 } } });
    await f.engine.setBacklogLimit(topic, 3);
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    await f.engine.publish(topic, [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const leased = await f.engine.receive(topic, 's', { max: 2, leaseMs: 60_000 });
    expect(leased.map((m) => text(m.value))).toEqual(['a', 'b']);

    await f.engine.publish(topic, [{ value: 'd' }]);
    expect((await archived(f.store, topic)).map((r) => text(r.value))).toEqual(['c']);

    // Two leased and one waiting ('d'): room for one more message at most.
    const end = f.store.offsets(topic, 0).logEndOffset;
    const err = await expectCode(f.engine.publish(topic, [{ value: 'e' }, { value: 'f' }]), 'BACKLOG_FULL');
    expect(err.details).toMatchObject({ subscription: 's', depth: 3, limit: 3, inFlight: 2 });
    expect(f.store.offsets(topic, 0).logEndOffset).toBe(end);
    expect(await archived(f.store, topic)).toHaveLength(1);
    // A batch larger than the limit can never fit.
    await expectCode(f.engine.publish(topic, Array.from({ length: 4 }, () => ({ value: 'big' }))), 'BACKLOG_FULL');

    // A message waiting for redelivery is waiting too; its attempts go with it.
    await f.engine.nack(leased[0]!.receipt);
    await f.engine.publish(topic, [{ value: 'e' }]);
    const arch = await archived(f.store, topic);
    expect(arch.map((r) => [text(r.value), header(r, 'sluice-attempts')])).toEqual([['c', '0'], ['a', '1']]);
    // The remaining lease still works.
    await f.engine.ack([leased[1]!.receipt]);
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 2, inFlight: 0, acked: 1, expired: 2 });
  });

  it('releases the key hold of an archived message (ordering by key)', async () => {
    const f = await fx.start();
    const topic = freshName('bp');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 's', { config: { ordering: 'key' } });
    await f.engine.setBacklogLimit(topic, 3);
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    await f.engine.publish(topic, [{ value: 'o' }, { key: 'x', value: 'x1' }, { key: 'x', value: 'x2' }]);
    // Reads all three: 'x1' holds key x (fresh, not leased), 'x2' waits behind it.
    expect((await f.engine.receive(topic, 's', { max: 1 })).map((m) => text(m.value))).toEqual(['o']);
    await f.engine.publish(topic, [{ value: 'y' }]);
    expect((await archived(f.store, topic)).map((r) => text(r.value))).toEqual(['x1']);
    expect((await f.engine.receive(topic, 's', { max: 10 })).map((m) => text(m.value))).toEqual(['x2', 'y']);
  });

  it('keeps the settlement across clean and unclean restarts', async () => {
    // Oldest across partitions is by record timestamp: a clock that moves per publish makes it exact.
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const topic = freshName('bp');
    await f.store.createTopic(topic, 2);
    await f.engine.createSubscription(topic, 's');
    await f.engine.setBacklogLimit(topic, 4);
    await f.engine.setBacklogPolicy(topic, 'archive-oldest');
    for (let i = 0; i < 10; i++) {
      clock.advance(1);
      await f.engine.publish(topic, [{ value: `v${i}`, partition: i % 2 }]);
    }
    const before = f.engine.describeSubscription(topic, 's').counts;
    expect(before).toMatchObject({ depth: 4, expired: 6 });
    await f.dirtyRestart();
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 4, expired: 6 });
    clock.advance(1);
    await f.engine.publish(topic, [{ value: 'v10', partition: 0 }]);
    await f.restart();
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 4, expired: 7 });
    const got = (await f.engine.receive(topic, 's', { max: 10 })).map((m) => text(m.value)!);
    expect(got.sort()).toEqual(['v10', 'v7', 'v8', 'v9']);
    expect((await archived(f.store, topic)).map((r) => text(r.value)!).sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'].sort());
  });
});
