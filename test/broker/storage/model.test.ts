import fc from 'fast-check';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { freshTopic, makeBatch, splitBatches, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

interface Model {
  batches: { base: number; last: number; bytes: Buffer }[];
}

async function checkAgainstModel(store: FileLogStore, topic: string, model: Model, probes: number[]) {
  const end = model.batches.at(-1)!.last + 1;
  expect(store.offsets(topic, 0)).toEqual({ logStartOffset: 0, logEndOffset: end });
  for (const p of probes) {
    const target = p % end;
    const { bytes } = await store.read(topic, 0, target, 700);
    const got = splitBatches(bytes);
    const i = model.batches.findIndex((b) => b.base <= target && target <= b.last);
    expect(got[0]!.baseOffset).toBe(model.batches[i]!.base);
    // Verbatim, contiguous bytes from the containing batch on.
    expect(bytes).toEqual(Buffer.concat(model.batches.slice(i, i + got.length).map((b) => b.bytes)));
  }
}

describe('store against a model (property)', () => {
  it('reads match the appended bytes for random batch sizes, segment sizes and index intervals, before and after reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 6 }), valueSize: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 200, max: 3000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.nat(), { minLength: 5, maxLength: 20 }),
        fc.boolean(),
        async (specs, segmentBytes, indexIntervalBytes, probes, crash) => {
          const { store, dataDir, reopen } = await fx.open();
          const topic = freshTopic('m');
          await store.createTopic(topic, 1, { segmentBytes, indexIntervalBytes, retentionMs: -1 });
          const model: Model = { batches: [] };
          const results = await Promise.all(
            specs.map((spec) => {
              const bytes = makeBatch(spec);
              return store.append(topic, 0, bytes).then((r) => ({ r, bytes }));
            }),
          );
          for (const { r, bytes } of results) model.batches.push({ base: r.baseOffset, last: r.lastOffset, bytes });
          await checkAgainstModel(store, topic, model, probes);
          expect(store.partitionState(topic, 0).damage).toBeUndefined();
          expect(store.stats().bytesOnDisk).toBeGreaterThanOrEqual(model.batches.reduce((a, b) => a + b.bytes.length, 0));
          await store.close();
          if (crash) await unlink(join(dataDir, '.clean-shutdown'));
          const again = await reopen();
          await checkAgainstModel(again.store, topic, model, probes);
          expect(again.logger.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
          await again.store.close();
        },
      ),
      { numRuns: 15 },
    );
  });
});
