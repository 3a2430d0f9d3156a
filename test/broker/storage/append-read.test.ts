import { afterEach, describe, expect, it } from 'vitest';
import { isSluiceError, SluiceError } from '../../../broker/errors.js';
import { crc32c } from '../../../broker/records/crc32c.js';
import type { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { flipByte, freshTopic, makeBatch, openStore, removeDir, splitBatches } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(options: Parameters<typeof openStore>[0] = {}) {
  const s = await openStore(options);
  cleanups.push(async () => {
    await s.store.close();
    await removeDir(s.dataDir);
  });
  return s;
}

async function expectCode(p: Promise<unknown>, code: SluiceError['code']): Promise<SluiceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSluiceError(err), `expected SluiceError ${code}, got ${String(err)}`).toBe(true);
  expect((err as SluiceError).code).toBe(code);
  return err as SluiceError;
}

async function appendMany(store: FileLogStore, topic: string, n: number, count = 3, valueSize = 40) {
  const batches: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const b = makeBatch({ count, valueSize, baseTimestamp: 1_000_000 + i * 10 });
    await store.append(topic, 0, b);
    batches.push(b);
  }
  return batches;
}

describe('append and read', () => {
  it('assigns offsets in place and reads the exact bytes back', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const a = makeBatch({ count: 3 });
    const b = makeBatch({ count: 2, valueSize: 100 });
    const original = Buffer.from(a);
    const ra = await store.append(topic, 0, a);
    const rb = await store.append(topic, 0, b);
    expect(ra).toEqual({ baseOffset: 0, lastOffset: 2, logAppendTime: -1, logStartOffset: 0 });
    expect(rb).toEqual({ baseOffset: 3, lastOffset: 4, logAppendTime: -1, logStartOffset: 0 });
    // Only baseOffset and the leader epoch changed: both are outside the CRC.
    expect(a.subarray(16)).toEqual(original.subarray(16));
    expect(a.readInt32BE(12)).toBe(0);
    const { bytes, highWatermark, logStartOffset } = await store.read(topic, 0, 0, 1 << 20);
    expect(bytes).toEqual(Buffer.concat([a, b]));
    expect(highWatermark).toBe(5);
    expect(logStartOffset).toBe(0);
    expect(store.offsets(topic, 0)).toEqual({ logStartOffset: 0, logEndOffset: 5 });
    const views = splitBatches(bytes);
    expect(views.map((v) => [v.baseOffset, v.lastOffset])).toEqual([
      [0, 2],
      [3, 4],
    ]);
    expect(views.every((v) => v.partitionLeaderEpoch === 0)).toBe(true);
  });

  it('reading from the middle of a batch returns the containing batch', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    await appendMany(store, topic, 4, 5);
    const { bytes } = await store.read(topic, 0, 7, 1 << 20);
    expect(splitBatches(bytes).map((v) => v.baseOffset)).toEqual([5, 10, 15]);
  });

  it('returns whole batches within maxBytes, but always at least one', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const batches = await appendMany(store, topic, 5, 2, 100);
    const size = batches[0]!.length;
    expect(splitBatches((await store.read(topic, 0, 0, 2 * size + 10)).bytes)).toHaveLength(2);
    const one = await store.read(topic, 0, 0, 1);
    expect(one.bytes).toEqual(batches[0]);
    expect((await store.read(topic, 0, 0, 0)).bytes).toEqual(batches[0]);
  });

  it('throws OFFSET_OUT_OF_RANGE outside [logStart, LEO] and returns empty at LEO', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    await appendMany(store, topic, 2, 2);
    expect((await store.read(topic, 0, 4, 1000)).bytes.length).toBe(0);
    const err = await expectCode(store.read(topic, 0, 5, 1000), 'OFFSET_OUT_OF_RANGE');
    expect(err.details).toMatchObject({ offset: 5, logStartOffset: 0, logEndOffset: 4 });
    await expectCode(store.read(topic, 0, -1, 1000), 'OFFSET_OUT_OF_RANGE');
    await store.deleteRecords(topic, 0, 2);
    await expectCode(store.read(topic, 0, 1, 1000), 'OFFSET_OUT_OF_RANGE');
    expect(splitBatches((await store.read(topic, 0, 2, 1000)).bytes)[0]!.baseOffset).toBe(2);
  });

  it('rejects invalid batches with precise errors and changes nothing', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { maxMessageBytes: 2000 });
    await appendMany(store, topic, 1, 2);
    const before = store.offsets(topic, 0);
    const badCrc = makeBatch({ count: 2 });
    flipByte(badCrc, 70);
    expect((await expectCode(store.append(topic, 0, badCrc), 'CORRUPT_BATCH')).message).toMatch(/CRC-32C mismatch/);
    const badMagic = makeBatch();
    badMagic.writeInt8(1, 16);
    expect((await expectCode(store.append(topic, 0, badMagic), 'INVALID_BATCH')).message).toMatch(/magic 1/);
    const short = makeBatch().subarray(0, 40);
    await expectCode(store.append(topic, 0, short), 'INVALID_BATCH');
    const twoBatches = Buffer.concat([makeBatch(), makeBatch()]);
    expect((await expectCode(store.append(topic, 0, twoBatches), 'INVALID_BATCH')).message).toMatch(/exactly one batch/);
    const badCount = makeBatch({ count: 2 });
    badCount.writeInt32BE(3, 57);
    badCount.writeUInt32BE(crc32c(badCount.subarray(21)), 17);
    expect((await expectCode(store.append(topic, 0, badCount), 'INVALID_BATCH')).message).toMatch(/lastOffsetDelta/);
    await expectCode(store.append(topic, 0, makeBatch({ valueSize: 3000 })), 'BATCH_TOO_LARGE');
    await expectCode(store.append(topic, 1, makeBatch()), 'UNKNOWN_PARTITION');
    await expectCode(store.append('nope', 0, makeBatch()), 'UNKNOWN_TOPIC');
    expect(store.offsets(topic, 0)).toEqual(before);
    expect(store.stats().appends).toBe(1);
    // The log is untouched: the next valid append gets the next offset.
    expect((await store.append(topic, 0, makeBatch())).baseOffset).toBe(2);
  });

  it('finds batches through the sparse index across many batches and segments', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { indexIntervalBytes: 256, segmentBytes: 8 * 1024 });
    const sizes: number[] = [];
    let offset = 0;
    const firstOffsets: number[] = [];
    for (let i = 0; i < 300; i++) {
      const count = 1 + (i % 4);
      const r = await store.append(topic, 0, makeBatch({ count, valueSize: 10 + (i % 7) * 10 }));
      expect(r.baseOffset).toBe(offset);
      firstOffsets.push(offset);
      offset += count;
      sizes.push(count);
    }
    expect(store.partitionState(topic, 0).segments).toBeGreaterThan(3);
    for (let target = 0; target < offset; target += 7) {
      const { bytes } = await store.read(topic, 0, target, 1);
      const [batch] = splitBatches(bytes);
      expect(batch!.baseOffset <= target && target <= batch!.lastOffset).toBe(true);
    }
    // A large read crosses segment boundaries and stays contiguous.
    const all = splitBatches((await store.read(topic, 0, 0, 10 << 20)).bytes);
    expect(all.map((b) => b.baseOffset)).toEqual(firstOffsets);
  });

  it('LogAppendTime topics get the broker time in maxTimestamp with a valid CRC', async () => {
    const { store } = await setup();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { timestampType: 'LogAppendTime' });
    const r = await store.append(topic, 0, makeBatch({ count: 2, baseTimestamp: 5 }), { now: 1_234_567 });
    expect(r.logAppendTime).toBe(1_234_567);
    const { bytes } = await store.read(topic, 0, 0, 1 << 20);
    const [view] = splitBatches(bytes);
    expect(view!.maxTimestamp).toBe(1_234_567);
    expect(view!.attributes & 0x08).toBe(0x08);
    expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes.subarray(21)));
    expect(await store.offsetForTimestamp(topic, 0, 1_000_000)).toBe(0);
  });
});
