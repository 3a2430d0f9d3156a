import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '../../../broker/records/encoder.js';
import { freshTopic, makeBatch, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

describe('recordForTimestamp (exact ListOffsets by time)', () => {
  it('answers the first record inside a batch, not the batch base offset', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    // One batch of 10 records, timestamps 100, 110, ..., 190 (offsets 0..9).
    await store.append(topic, 0, makeBatch({ timestamps: Array.from({ length: 10 }, (_, i) => 100 + 10 * i) }));
    for (let i = 0; i < 10; i++) {
      expect(await store.recordForTimestamp(topic, 0, 100 + 10 * i)).toEqual({ offset: i, timestamp: 100 + 10 * i });
      expect(await store.recordForTimestamp(topic, 0, 100 + 10 * i - 5)).toEqual({ offset: i, timestamp: 100 + 10 * i });
    }
    expect(await store.recordForTimestamp(topic, 0, 191)).toBeUndefined();
  });

  it('takes record order, not timestamp order, inside a batch with out-of-order timestamps', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    await store.append(topic, 0, makeBatch({ timestamps: [500, 100, 300, 200] }));
    // First record (in offset order) with ts >= target.
    expect(await store.recordForTimestamp(topic, 0, 150)).toEqual({ offset: 0, timestamp: 500 });
    expect(await store.recordForTimestamp(topic, 0, 50)).toEqual({ offset: 0, timestamp: 500 });
    await store.append(topic, 0, makeBatch({ timestamps: [50, 600, 700] }));
    expect(await store.recordForTimestamp(topic, 0, 501)).toEqual({ offset: 5, timestamp: 600 });
  });

  it('decodes compressed batches', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    for (const compression of ['gzip', 'lz4', 'zstd', 'snappy'] as const) {
      const base = { gzip: 1000, lz4: 2000, zstd: 3000, snappy: 4000 }[compression];
      const records = Array.from({ length: 50 }, (_, i) => ({ value: `v${i}`.repeat(20), timestamp: base + i }));
      await store.append(topic, 0, await encodeBatch(records, { compression }));
    }
    expect(await store.recordForTimestamp(topic, 0, 1000)).toEqual({ offset: 0, timestamp: 1000 });
    expect(await store.recordForTimestamp(topic, 0, 1037)).toEqual({ offset: 37, timestamp: 1037 });
    expect(await store.recordForTimestamp(topic, 0, 2049)).toEqual({ offset: 99, timestamp: 2049 });
    expect(await store.recordForTimestamp(topic, 0, 2050)).toEqual({ offset: 100, timestamp: 3000 });
    expect(await store.recordForTimestamp(topic, 0, 3025)).toEqual({ offset: 125, timestamp: 3025 });
    expect(await store.recordForTimestamp(topic, 0, 4049)).toEqual({ offset: 199, timestamp: 4049 });
    expect(await store.offsetForTimestamp(topic, 0, 4012)).toBe(162);
  });

  it('skips records below the log start, moving on to the next batch when the cut leaves none', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    await store.append(topic, 0, makeBatch({ timestamps: [100, 200, 300, 150] })); // offsets 0-3
    await store.append(topic, 0, makeBatch({ timestamps: [400, 500] })); // offsets 4-5
    await store.deleteRecords(topic, 0, 3);
    expect(await store.recordForTimestamp(topic, 0, 0)).toEqual({ offset: 3, timestamp: 150 });
    // Batch 0 still has maxTimestamp 300, but its records >= 200 sit below the log start.
    expect(await store.recordForTimestamp(topic, 0, 200)).toEqual({ offset: 4, timestamp: 400 });
    expect(await store.recordForTimestamp(topic, 0, 450)).toEqual({ offset: 5, timestamp: 500 });
  });

  it('answers the batch LogAppendTime for LogAppendTime topics', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { timestampType: 'LogAppendTime' });
    await store.append(topic, 0, makeBatch({ timestamps: [10, 20, 30] }), { now: 5_000 });
    expect(await store.recordForTimestamp(topic, 0, 1)).toEqual({ offset: 0, timestamp: 5_000 });
    expect(await store.recordForTimestamp(topic, 0, 5_000)).toEqual({ offset: 0, timestamp: 5_000 });
    expect(await store.recordForTimestamp(topic, 0, 5_001)).toBeUndefined();
  });
});
