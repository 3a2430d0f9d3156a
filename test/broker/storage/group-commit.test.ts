import { afterEach, describe, expect, it } from 'vitest';
import { freshTopic, makeBatch, splitBatches, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

describe('group commit', () => {
  it('sync: 200 concurrent appends share few fdatasyncs, resolve in offset order', async () => {
    const { store } = await fx.open({ flushPolicy: 'sync' });
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const fsyncsBefore = store.stats().fsyncs;
    const resolvedOrder: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.append(topic, 0, makeBatch({ count: 5, valueSize: 100 })).then((r) => {
          resolvedOrder.push(i);
          return r;
        }),
      ),
    );
    results.forEach((r, i) => expect(r.baseOffset).toBe(i * 5));
    expect(resolvedOrder).toEqual([...resolvedOrder].sort((a, b) => a - b));
    const fsyncs = store.stats().fsyncs - fsyncsBefore;
    expect(fsyncs).toBeGreaterThanOrEqual(1);
    expect(fsyncs).toBeLessThan(10);
    expect(store.stats().appends).toBe(200);
    expect(splitBatches((await store.read(topic, 0, 0, 1 << 22)).bytes)).toHaveLength(200);
  });

  it('sync: appends arriving during an fsync share the next one', async () => {
    const { store } = await fx.open({ flushPolicy: 'sync' });
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const before = store.stats().fsyncs;
    const first = store.append(topic, 0, makeBatch());
    await new Promise((r) => setImmediate(r)); // the first group is now writing/syncing
    const later = Array.from({ length: 50 }, () => store.append(topic, 0, makeBatch()));
    await Promise.all([first, ...later]);
    expect(store.stats().fsyncs - before).toBeLessThanOrEqual(3);
  });

  it('interval: appends resolve without fsync; the timer and close flush', async () => {
    const { store } = await fx.open({ flushPolicy: 'interval', flushIntervalMs: 50 });
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const before = store.stats().fsyncs;
    for (let i = 0; i < 20; i++) await store.append(topic, 0, makeBatch());
    // Sequential appends under sync would have cost 20 fsyncs.
    expect(store.stats().fsyncs - before).toBe(0);
    expect(store.offsets(topic, 0).logEndOffset).toBe(20);
    expect(splitBatches((await store.read(topic, 0, 0, 1 << 20)).bytes)).toHaveLength(20);
    await new Promise((r) => setTimeout(r, 150));
    expect(store.stats().fsyncs - before).toBe(1);
  });

  it('a topic can override the flush policy', async () => {
    const { store } = await fx.open({ flushPolicy: 'sync' });
    const topic = freshTopic();
    await store.createTopic(topic, 1, { flushPolicy: 'interval', flushIntervalMs: 10_000 });
    const before = store.stats().fsyncs;
    for (let i = 0; i < 5; i++) await store.append(topic, 0, makeBatch());
    expect(store.stats().fsyncs - before).toBe(0);
  });

  it('partitions commit independently and keep their own offsets', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 3);
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) => store.append(topic, i % 3, makeBatch({ count: 2 }))));
    for (let p = 0; p < 3; p++) {
      expect(results.filter((_, i) => i % 3 === p).map((r) => r.baseOffset)).toEqual(Array.from({ length: 30 }, (_, k) => 2 * k));
    }
  });
});
