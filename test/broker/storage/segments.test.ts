import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Segment } from '../../../broker/storage/segment.js';
import { freshTopic, makeBatch, partitionPath, splitBatches, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

const DAY = 24 * 3600 * 1000;

async function logFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
}

describe('segment roll', () => {
  it('makes the old segment durable before the next segment file exists', async () => {
    // Recovery calls a torn tail in a non-last segment damage; a power cut mid-roll must never
    // produce one, so every roll must fdatasync the old segment before creating the new file.
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 1000, flushPolicy: 'interval', flushIntervalMs: 3_600_000 });
    const events: string[] = [];
    const datasync = Segment.prototype.datasync;
    const create = Segment.create;
    const syncSpy = vi.spyOn(Segment.prototype, 'datasync').mockImplementation(async function (this: Segment) {
      events.push(`sync ${this.baseOffset}`);
      return datasync.call(this);
    });
    const createSpy = vi.spyOn(Segment, 'create').mockImplementation(async (dir, baseOffset, files) => {
      events.push(`create ${baseOffset}`);
      return create.call(Segment, dir, baseOffset, files);
    });
    try {
      for (let i = 0; i < 8; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 100 }));
    } finally {
      syncSpy.mockRestore();
      createSpy.mockRestore();
    }
    const creates = events.filter((e) => e.startsWith('create'));
    expect(creates.length).toBeGreaterThanOrEqual(2);
    let previous = 0;
    for (const c of creates) {
      const at = events.indexOf(c);
      expect(events.slice(0, at), `${c} before the old segment was synced`).toContain(`sync ${previous}`);
      previous = Number(c.split(' ')[1]);
    }
  });

  it('rolls by size; the new segment is named after its base offset', async () => {
    const { store, dataDir } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 1000 });
    const size = makeBatch({ count: 2, valueSize: 100 }).length; // ~300 bytes: 3 per segment
    for (let i = 0; i < 10; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 100 }));
    const perSegment = Math.floor(1000 / size);
    const files = await logFiles(partitionPath(dataDir, topic));
    expect(files).toHaveLength(Math.ceil(10 / perSegment));
    expect(files[1]).toBe(`${String(2 * perSegment).padStart(20, '0')}.log`);
    expect(store.partitionState(topic, 0)).toMatchObject({ segments: files.length, sizeBytes: 10 * size });
    expect(splitBatches((await store.read(topic, 0, 0, 1 << 20)).bytes)).toHaveLength(10);
  });

  it('rolls by age of the first batch in the active segment', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentMs: 60_000 });
    const t0 = 1_700_000_000_000;
    await store.append(topic, 0, makeBatch(), { now: t0 });
    await store.append(topic, 0, makeBatch(), { now: t0 + 60_000 });
    expect(store.partitionState(topic, 0).segments).toBe(1);
    await store.append(topic, 0, makeBatch(), { now: t0 + 60_001 });
    expect(store.partitionState(topic, 0).segments).toBe(2);
    await store.append(topic, 0, makeBatch(), { now: t0 + 100_000 });
    expect(store.partitionState(topic, 0).segments).toBe(2);
  });
});

describe('retention', () => {
  it('deletes segments whose newest batch is older than retentionMs, rolling an expired active segment', async () => {
    const { store, dataDir, logger } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 500, retentionMs: DAY });
    const now = 1_700_000_000_000;
    // Old data: 4 segments with timestamps 3 days ago; then fresh data.
    for (let i = 0; i < 8; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 80, baseTimestamp: now - 3 * DAY + i }));
    for (let i = 0; i < 2; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 80, baseTimestamp: now - 1000 + i }));
    const before = store.partitionState(topic, 0);
    await store.enforceRetention(now);
    const after = store.partitionState(topic, 0);
    expect(after.segments).toBeLessThan(before.segments);
    expect(after.offsets.logStartOffset).toBe(16);
    expect(after.offsets.logEndOffset).toBe(20);
    expect(splitBatches((await store.read(topic, 0, 16, 1 << 20)).bytes).map((b) => b.baseOffset)).toEqual([16, 18]);
    expect(logger.entries.some((e) => e.msg === 'deleted log segments' && e.fields?.reason === 'retention.ms')).toBe(true);
    expect((await logFiles(partitionPath(dataDir, topic)))[0]).toBe(`${'16'.padStart(20, '0')}.log`);

    // Everything expired: the active segment is rolled, then deleted; offsets continue.
    await store.enforceRetention(now + 2 * DAY);
    expect(store.offsets(topic, 0)).toEqual({ logStartOffset: 20, logEndOffset: 20 });
    expect((await store.append(topic, 0, makeBatch())).baseOffset).toBe(20);
  });

  it('deletes the oldest segments while the rest still holds retentionBytes', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    const size = makeBatch({ count: 1, valueSize: 200 }).length;
    await store.createTopic(topic, 1, { segmentBytes: size * 2, retentionBytes: size * 5, retentionMs: -1 });
    for (let i = 0; i < 10; i++) await store.append(topic, 0, makeBatch({ count: 1, valueSize: 200 }));
    expect(store.partitionState(topic, 0).segments).toBe(5);
    await store.enforceRetention();
    const state = store.partitionState(topic, 0);
    // 10 batches in segments of 2: dropping 2 segments leaves 6 batches (>= 5); a third would leave 4.
    expect(state.segments).toBe(3);
    expect(state.sizeBytes).toBe(6 * size);
    expect(state.offsets.logStartOffset).toBe(4);
    await expect(store.read(topic, 0, 3, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
  });

  it('runs on its own timer while open', async () => {
    const { store } = await fx.open({ retentionCheckIntervalMs: 20 });
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 100, retentionMs: 1000 });
    for (let i = 0; i < 3; i++) await store.append(topic, 0, makeBatch({ baseTimestamp: 1000 }));
    await new Promise((r) => setTimeout(r, 200));
    expect(store.offsets(topic, 0).logStartOffset).toBe(3);
  });
});

describe('deleteRecords', () => {
  it('advances the log start, removes whole segments below it, and survives reopen', async () => {
    const { store, dataDir, reopen } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 400 });
    for (let i = 0; i < 12; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 60 }));
    const segmentsBefore = store.partitionState(topic, 0).segments;
    expect(await store.deleteRecords(topic, 0, 9)).toEqual({ logStartOffset: 9, logEndOffset: 24 });
    expect(store.partitionState(topic, 0).segments).toBeLessThan(segmentsBefore);
    const first = splitBatches((await store.read(topic, 0, 9, 1 << 20)).bytes)[0]!;
    expect(first.baseOffset).toBe(8); // the batch containing offset 9
    await expect(store.read(topic, 0, 8, 100)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    await expect(store.deleteRecords(topic, 0, 25)).rejects.toMatchObject({ code: 'OFFSET_OUT_OF_RANGE' });
    expect(await store.deleteRecords(topic, 0, 3)).toEqual({ logStartOffset: 9, logEndOffset: 24 });
    await store.close();
    const again = await reopen();
    expect(again.store.offsets(topic, 0)).toEqual({ logStartOffset: 9, logEndOffset: 24 });
    expect(await again.store.deleteRecords(topic, 0, -1)).toEqual({ logStartOffset: 24, logEndOffset: 24 });
    await again.store.close();
    expect((await logFiles(partitionPath(dataDir, topic))).length).toBeGreaterThanOrEqual(1);
  });

  it('calls made at once run one after another: none fails, the largest offset wins, also after reopen', async () => {
    const { store, reopen } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1, { segmentBytes: 400 });
    for (let i = 0; i < 12; i++) await store.append(topic, 0, makeBatch({ count: 2, valueSize: 60 }));
    // Out of order on purpose: a smaller offset asked last must not move the start back.
    const results = await Promise.all([5, 17, 2, 11, 17, 9].map((o) => store.deleteRecords(topic, 0, o)));
    expect(results.map((r) => r.logStartOffset)).toEqual([5, 17, 17, 17, 17, 17]);
    await store.close();
    const again = await reopen();
    expect(again.store.offsets(topic, 0)).toEqual({ logStartOffset: 17, logEndOffset: 24 });
    await again.store.close();
  });
});
