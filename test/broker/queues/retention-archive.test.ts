/**
 * Archive before retention (broker/queues/retention-guard.ts and the store's before-retention
 * hook), against a real FileLogStore with tiny segments in a temp dir: messages a subscription has
 * not settled reach `<topic>.expired` exactly once with reason `retention` before their segments
 * are deleted, acked ones do not, depth drops accordingly, a failing hook keeps the segments, and
 * the setting can turn it off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RETENTION_REASON } from '../../../broker/queues/archive.js';
import { startQueues } from '../../../broker/queues/engine.js';
import type { BeforeRetentionDelete } from '../../../broker/storage/types.js';
import { parseDeadLetterProvenance } from '../../../broker/queues/provenance.js';
import { archiveTopicOf, EXPIRED_REASON_HEADER } from '../../../broker/queues/ttl.js';
import { memoryLogger } from '../../../broker/logger.js';
import { SluiceError } from '../../../broker/errors.js';
import type { DecodedRecord } from '../../../broker/records/decoder.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { expectCode, makeBatch, removeDir, tempDir } from '../storage/helpers.js';
import { archived, freshName, header, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

/** `subscription:offset` of every archived copy, in archive order. */
const ids = (recs: DecodedRecord[]) => recs.map((r) => `${header(r, 'sluice-subscription')}:${header(r, 'sluice-original-offset')}`);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function setup(config: Record<string, number>) {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now });
  const topic = freshName('ret');
  await f.store.createTopic(topic, 1, { segmentBytes: 200, ...config });
  return { f, clock, topic };
}

async function publishEach(f: { engine: { publish: (t: string, m: Array<{ value: string }>) => Promise<unknown> } }, topic: string, n: number) {
  for (let i = 0; i < n; i++) await f.engine.publish(topic, [{ value: `m${i}` }]);
}

describe('archive before retention', () => {
  it('retention.ms: archives what each subscription has not settled, leased included, exactly once, then deletes', async () => {
    const { f, clock, topic } = await setup({ retentionMs: 60_000 });
    await f.engine.createSubscription(topic, 'a');
    await f.engine.createSubscription(topic, 'b');
    expect(f.engine.archiveBeforeRetention(topic)).toBe(true);
    await publishEach(f, topic, 12);
    expect(f.store.partitionState(topic, 0).segments).toBeGreaterThan(2);
    const got = await f.engine.receive(topic, 'a', { max: 8, leaseMs: 600_000 });
    await f.engine.ack(got.slice(0, 5).map((m) => m.receipt));

    clock.advance(120_000);
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(topic, 0).logStartOffset).toBe(12);
    const arch = await archived(f.store, topic);
    expect(ids(arch).sort()).toEqual([...range(5, 12).map((o) => `a:${o}`), ...range(0, 12).map((o) => `b:${o}`)].sort());
    expect(arch.every((r) => header(r, EXPIRED_REASON_HEADER) === RETENTION_REASON)).toBe(true);
    const m7 = arch.find((r) => header(r, 'sluice-subscription') === 'a' && header(r, 'sluice-original-offset') === '7')!;
    expect(text(m7.value)).toBe('m7');
    expect(parseDeadLetterProvenance(m7.headers)).toMatchObject({ source: 'sluice', topic, partition: 0, offset: 7, subscription: 'a', attempts: 1 });

    expect(f.engine.describeSubscription(topic, 'a').counts).toMatchObject({ depth: 0, inFlight: 0, acked: 5, expired: 7 });
    expect(f.engine.describeSubscription(topic, 'b').counts).toMatchObject({ depth: 0, expired: 12 });
    // The lease on an archived message ended with it.
    await expectCode(f.engine.ack([got[6]!.receipt]), 'MESSAGE_SETTLED');
    // Another run finds nothing more to archive; the archive topic itself is never archived.
    await f.store.enforceRetention(clock.now() + 600_000);
    expect(await archived(f.store, topic)).toHaveLength(19);
    expect(f.store.getTopic(archiveTopicOf(archiveTopicOf(topic)))).toBeUndefined();

    await f.dirtyRestart();
    expect(f.engine.describeSubscription(topic, 'b').counts).toMatchObject({ depth: 0, expired: 12 });
    await f.restart();
    expect(f.engine.describeSubscription(topic, 'a').counts).toMatchObject({ depth: 0, acked: 5, expired: 7 });
    expect(await f.engine.receive(topic, 'a', { max: 10 })).toHaveLength(0);
    await f.engine.publish(topic, [{ value: 'after' }]);
    expect((await f.engine.receive(topic, 'b', { max: 10 })).map((m) => text(m.value))).toEqual(['after']);
  });

  it('retention.bytes: archives only the unsettled part of the deleted prefix; the rest is delivered as usual', async () => {
    const { f, clock, topic } = await setup({ retentionMs: -1, retentionBytes: 600 });
    await f.engine.createSubscription(topic, 's');
    await publishEach(f, topic, 20);
    const first = await f.engine.receive(topic, 's', { max: 3 });
    await f.engine.ack(first.map((m) => m.receipt));
    expect(f.engine.describeSubscription(topic, 's').counts.depth).toBe(17);

    // The engine's clock, so the archive topic's own retention (7 days) keeps the copies.
    await f.store.enforceRetention(clock.now());
    const start = f.store.offsets(topic, 0).logStartOffset;
    expect(start).toBeGreaterThan(3);
    expect(start).toBeLessThan(20);
    expect(ids(await archived(f.store, topic))).toEqual(range(3, start).map((o) => `s:${o}`));
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 20 - start, expired: start - 3, acked: 3 });
    const rest = await f.engine.receive(topic, 's', { max: 100 });
    expect(rest.map((m) => m.offset)).toEqual(range(start, 20));
  });

  it('a failing archive keeps the segments until a later run succeeds', async () => {
    const { f, clock, topic } = await setup({ retentionMs: 60_000 });
    await f.engine.createSubscription(topic, 's');
    // An archive topic that refuses every archived copy (too large for it).
    await f.store.createTopic(archiveTopicOf(topic), 1, { maxMessageBytes: 40 });
    await publishEach(f, topic, 6);
    clock.advance(120_000);
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(topic, 0).logStartOffset).toBe(0);
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 6, expired: 0 });
    expect(await archived(f.store, topic)).toHaveLength(0);

    await f.store.alterTopicConfig(archiveTopicOf(topic), { maxMessageBytes: 1 << 20 });
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(topic, 0).logStartOffset).toBe(6);
    expect(ids(await archived(f.store, topic))).toEqual(range(0, 6).map((o) => `s:${o}`));
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 0, expired: 6 });
  });

  it('archiveBeforeRetention off (durable setting): retention deletes without archiving', async () => {
    const { f, clock, topic } = await setup({ retentionMs: 60_000 });
    await f.engine.createSubscription(topic, 's');
    await f.engine.setArchiveBeforeRetention(topic, false);
    await f.restart();
    expect(f.engine.archiveBeforeRetention(topic)).toBe(false);
    await expectCode(f.engine.setArchiveBeforeRetention(topic, 'no' as never), 'INVALID_CONFIG');
    await publishEach(f, topic, 6);
    clock.advance(120_000);
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(topic, 0).logStartOffset).toBe(6);
    expect(f.store.getTopic(archiveTopicOf(topic))).toBeUndefined();
    expect(await f.engine.receive(topic, 's', { max: 10 })).toHaveLength(0);
  });

  it('while the queue layer is closed, retention keeps what subscriptions owe and archives it once the layer is back', async () => {
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const owed = freshName('ret-owed');
    const free = freshName('ret-free');
    for (const t of [owed, free]) await f.store.createTopic(t, 1, { segmentBytes: 200, retentionMs: 60_000 });
    await f.engine.createSubscription(owed, 's');
    await publishEach(f, owed, 6);
    await publishEach(f, free, 6);
    await f.engine.close();

    // The store stays open with the engine closed (a shutdown in progress, or an engine restart).
    clock.advance(120_000);
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(owed, 0).logStartOffset).toBe(0);
    expect(f.store.offsets(free, 0).logStartOffset).toBe(6);

    // Open again: the next run archives first, then deletes.
    f.engine = await startQueues(f.store, { tickMs: 0, logger: memoryLogger(), random: () => 0.5, now: clock.now });
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(owed, 0).logStartOffset).toBe(6);
    expect(ids(await archived(f.store, owed))).toEqual(range(0, 6).map((o) => `s:${o}`));
  });

  it('retention waits while the queue layer replays its journal', async () => {
    const { f, topic } = await setup({ retentionMs: 60_000 });
    await f.engine.createSubscription(topic, 's');
    await f.engine.close();
    // The hooks a new engine installs, in order: a hold for every topic first, then the archive.
    const hooks: Array<BeforeRetentionDelete | undefined> = [];
    const install = f.store.setBeforeRetentionDelete.bind(f.store);
    f.store.setBeforeRetentionDelete = (hook) => {
      hooks.push(hook);
      install(hook);
    };
    f.engine = await startQueues(f.store, { tickMs: 0, logger: memoryLogger() });
    expect(hooks).toHaveLength(2);
    for (const t of [topic, 'no-subscriptions-here']) {
      await expect(hooks[0]!(t, 0, 0, 5)).rejects.toMatchObject({ code: 'RETENTION_DEFERRED', message: expect.stringContaining('replaying its journal') });
    }
    // Internal and archive topics are never held.
    await expect(hooks[0]!('__sluice_queues', 0, 0, 5)).resolves.toBeUndefined();
    await expect(hooks[0]!(archiveTopicOf(topic), 0, 0, 5)).resolves.toBeUndefined();
  });

  it('topics without subscriptions are not archived', async () => {
    const { f, clock, topic } = await setup({ retentionMs: 60_000 });
    await publishEach(f, topic, 6);
    clock.advance(120_000);
    await f.store.enforceRetention(clock.now());
    expect(f.store.offsets(topic, 0).logStartOffset).toBe(6);
    expect(f.store.getTopic(archiveTopicOf(topic))).toBeUndefined();
  });
});

describe('store before-retention hook', () => {
  it('is awaited with the doomed offset range before retention deletes; a throwing hook keeps the segments; DeleteRecords does not call it', async () => {
    const dataDir = await tempDir();
    const logger = memoryLogger();
    const store = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0, logger });
    await store.open();
    try {
      const topic = freshName('hook');
      await store.createTopic(topic, 1, { segmentBytes: 500, retentionMs: 1000 });
      const t0 = Date.now() - 10_000;
      for (let i = 0; i < 6; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 100, baseTimestamp: t0 }));
      const segments = store.partitionState(topic, 0).segments;
      expect(segments).toBeGreaterThan(2);

      store.setBeforeRetentionDelete(async () => {
        throw new Error('archive unavailable');
      });
      await store.enforceRetention();
      expect(store.offsets(topic, 0).logStartOffset).toBe(0);
      // (The expired active segment may have been rolled; nothing was deleted.)
      expect(store.partitionState(topic, 0).segments).toBeGreaterThanOrEqual(segments);
      expect((await store.read(topic, 0, 0, 1 << 20)).bytes.length).toBeGreaterThan(0);
      expect(logger.entries.some((e) => e.level === 'error' && e.msg.includes('before-retention hook failed'))).toBe(true);
      // A deliberate deferral (the queue layer holding retention) is a warning, not an error.
      store.setBeforeRetentionDelete(async () => {
        throw new SluiceError('RETENTION_DEFERRED', 'the queue layer is closed');
      });
      await store.enforceRetention();
      expect(store.offsets(topic, 0).logStartOffset).toBe(0);
      expect(logger.entries.filter((e) => e.msg.startsWith('retention deferred')).map((e) => e.level)).toEqual(['warn']);

      const calls: Array<[string, number, number, number, number]> = [];
      store.setBeforeRetentionDelete(async (t, p, from, to) => {
        calls.push([t, p, from, to, store.offsets(topic, 0).logStartOffset]);
      });
      await store.deleteRecords(topic, 0, 2);
      expect(calls).toHaveLength(0);
      await store.enforceRetention();
      // Called once, with the range still readable, before the deletion.
      expect(calls).toEqual([[topic, 0, 2, 12, 2]]);
      expect(store.offsets(topic, 0).logStartOffset).toBe(12);
      store.setBeforeRetentionDelete(undefined);
    } finally {
      await store.close();
      await removeDir(dataDir);
    }
  });
});
