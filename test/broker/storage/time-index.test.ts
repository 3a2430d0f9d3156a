import { afterEach, describe, expect, it } from 'vitest';
import { freshTopic, makeBatch, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

describe('offsetForTimestamp', () => {
  it('finds the first record whose timestamp reaches the target, across segments', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { indexIntervalBytes: 200, segmentBytes: 4096 });
    // Batch i: records at offsets 2i, 2i+1 with timestamps 1000 + 10 i and 1000 + 10 i + 1.
    for (let i = 0; i < 200; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 30, baseTimestamp: 1000 + 10 * i }));
    expect(store.partitionState(topic, 0).segments).toBeGreaterThan(3);
    expect(await store.offsetForTimestamp(topic, 0, 0)).toBe(0);
    expect(await store.offsetForTimestamp(topic, 0, 1000)).toBe(0);
    expect(await store.offsetForTimestamp(topic, 0, 1001)).toBe(1);
    expect(await store.offsetForTimestamp(topic, 0, 1002)).toBe(2);
    for (let i = 0; i < 200; i += 13) {
      expect(await store.offsetForTimestamp(topic, 0, 1000 + 10 * i)).toBe(2 * i);
      expect(await store.offsetForTimestamp(topic, 0, 1000 + 10 * i + 1)).toBe(2 * i + 1);
      expect(await store.offsetForTimestamp(topic, 0, 1000 + 10 * i + 5)).toBe(2 * (i + 1));
    }
    expect(await store.offsetForTimestamp(topic, 0, 1000 + 10 * 199 + 2)).toBeUndefined();
  });

  it('handles non-monotonic timestamps like Kafka (running maximum)', async () => {
    const { store, reopen } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { indexIntervalBytes: 0 });
    // maxTimestamps per batch: 100, 500, 200, 300, 900, 50, 950; each batch's records are ts - 1, ts.
    const maxes = [100, 500, 200, 300, 900, 50, 950];
    for (const ts of maxes) await store.append(topic, 0, makeBatch({ timestamps: [ts - 1, ts] }));
    const stamps = maxes.flatMap((ts) => [ts - 1, ts]);
    const expected = (target: number) => {
      const i = stamps.findIndex((t) => t >= target);
      return i < 0 ? undefined : i;
    };
    const targets = [0, 100, 101, 250, 500, 501, 899, 900, 901, 950, 951];
    for (const t of targets) expect(await store.offsetForTimestamp(topic, 0, t), `target ${t}`).toBe(expected(t));
    // The same answers come from index files loaded after a clean reopen.
    await store.close();
    const again = await reopen();
    for (const t of targets) expect(await again.store.offsetForTimestamp(topic, 0, t), `reopened, target ${t}`).toBe(expected(t));
    await again.store.close();
  });

  it('never answers below the log start offset', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    for (let i = 0; i < 5; i++) await store.append(topic, 0, makeBatch({ count: 2, baseTimestamp: 100 * (i + 1) }));
    await store.deleteRecords(topic, 0, 5);
    expect(await store.offsetForTimestamp(topic, 0, 0)).toBe(5);
    expect(await store.offsetForTimestamp(topic, 0, 301)).toBe(5);
    expect(await store.offsetForTimestamp(topic, 0, 400)).toBe(6);
    expect(await store.offsetForTimestamp(topic, 0, 401)).toBe(7);
    expect(await store.offsetForTimestamp(topic, 0, 402)).toBe(8);
  });
});
