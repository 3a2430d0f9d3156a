import { appendFile, readFile, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectCode, flipByte, freshTopic, makeBatch, segmentPath, splitBatches, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

/** After close(), removing the marker makes the next open behave as after a crash. */
async function simulateCrash(dataDir: string): Promise<void> {
  await unlink(join(dataDir, '.clean-shutdown'));
}

async function seed(options: { batches: number; count?: number; config?: object; partitions?: number } = { batches: 5 }) {
  const opened = await fx.open();
  const topic = freshTopic();
  await opened.store.createTopic(topic, options.partitions ?? 1, options.config ?? {});
  const sizes: number[] = [];
  for (let i = 0; i < options.batches; i++) {
    const batch = makeBatch({ count: options.count ?? 2, valueSize: 50 });
    sizes.push(batch.length);
    await opened.store.append(topic, 0, batch);
  }
  await opened.store.close();
  return { ...opened, topic, sizes };
}

function warnings(logger: { entries: { level: string; msg: string; fields?: Record<string, unknown> }[] }, msg: string) {
  return logger.entries.filter((e) => e.level === 'warn' && e.msg === msg);
}

describe('recovery after a crash', () => {
  it('truncates a torn last batch, logs what it removed, and never reuses offsets', async () => {
    const { dataDir, topic, sizes, reopen } = await seed({ batches: 5 });
    const file = segmentPath(dataDir, topic, 0, 0);
    const full = sizes.reduce((a, b) => a + b, 0);
    const cut = full - Math.floor(sizes[4]! / 2);
    await truncate(file, cut);
    await simulateCrash(dataDir);

    const { store, logger } = await reopen();
    expect(store.offsets(topic, 0)).toEqual({ logStartOffset: 0, logEndOffset: 8 });
    const [entry] = warnings(logger, 'truncated torn tail of log segment');
    expect(entry?.fields).toMatchObject({
      topic,
      partition: 0,
      segment: '00000000000000000000.log',
      position: full - sizes[4]!,
      bytesRemoved: cut - (full - sizes[4]!),
      lastValidOffset: 7,
      logEndOffset: 8,
    });
    expect((await stat(file)).size).toBe(full - sizes[4]!);
    expect((await store.append(topic, 0, makeBatch())).baseOffset).toBe(8);
    expect(splitBatches((await store.read(topic, 0, 0, 1 << 20)).bytes).map((b) => b.baseOffset)).toEqual([0, 2, 4, 6, 8]);
  });

  it('truncates a last batch whose bytes were damaged (CRC mismatch)', async () => {
    const { dataDir, topic, sizes, reopen } = await seed({ batches: 4 });
    const file = segmentPath(dataDir, topic, 0, 0);
    const bytes = await readFile(file);
    const lastStart = sizes[0]! + sizes[1]! + sizes[2]!;
    flipByte(bytes, lastStart + 80);
    flipByte(bytes, lastStart + 81);
    await writeFile(file, bytes);
    await simulateCrash(dataDir);

    const { store, logger } = await reopen();
    expect(store.offsets(topic, 0).logEndOffset).toBe(6);
    const [entry] = warnings(logger, 'truncated torn tail of log segment');
    expect(entry?.fields?.reason).toMatch(/CRC-32C mismatch/);
    expect(entry?.fields?.bytesRemoved).toBe(sizes[3]);
  });

  it('truncates a zero-filled tail (file extended before its data landed)', async () => {
    const { dataDir, topic, reopen } = await seed({ batches: 3 });
    const file = segmentPath(dataDir, topic, 0, 0);
    const before = (await stat(file)).size;
    await appendFile(file, Buffer.alloc(5000));
    await simulateCrash(dataDir);

    const { store, logger } = await reopen();
    expect(store.offsets(topic, 0).logEndOffset).toBe(6);
    expect(warnings(logger, 'truncated torn tail of log segment')[0]?.fields).toMatchObject({ bytesRemoved: 5000, position: before });
    expect((await stat(file)).size).toBe(before);
    expect(store.partitionState(topic, 0).damage).toBeUndefined();
  });

  it('a clean shutdown skips the rescan (no warning, data intact)', async () => {
    const { topic, reopen } = await seed({ batches: 3 });
    const { store, logger } = await reopen();
    expect(store.offsets(topic, 0).logEndOffset).toBe(6);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });
});

describe('index repair', () => {
  const config = { segmentBytes: 2000, indexIntervalBytes: 100 };

  async function checkLookups(store: Awaited<ReturnType<typeof fx.open>>['store'], topic: string, end: number) {
    for (let target = 0; target < end; target += 3) {
      const [batch] = splitBatches((await store.read(topic, 0, target, 1)).bytes);
      expect(batch!.baseOffset <= target && target <= batch!.lastOffset, `offset ${target}`).toBe(true);
    }
    expect(await store.offsetForTimestamp(topic, 0, 0)).toBe(0);
  }

  it('rebuilds a deleted offset index and serves correct lookups', async () => {
    const { dataDir, topic, reopen } = await seed({ batches: 40, config });
    const index = segmentPath(dataDir, topic, 0, 0, 'index');
    const original = await readFile(index);
    await rm(index);
    const { store, logger } = await reopen();
    expect(warnings(logger, 'rebuilding segment indexes')[0]?.fields).toMatchObject({ topic, segment: '00000000000000000000.log', reason: 'offset index missing' });
    expect(await readFile(index)).toEqual(original);
    await checkLookups(store, topic, 80);
  });

  it('rebuilds a garbage or stale index', async () => {
    const { dataDir, topic, reopen } = await seed({ batches: 40, config });
    const index = segmentPath(dataDir, topic, 0, 0, 'index');
    const timeIndex = segmentPath(dataDir, topic, 0, 0, 'timeindex');
    const original = await readFile(index);
    await writeFile(index, Buffer.from('this is not an index, it is garbage!!!!', 'utf8'));
    const stale = await readFile(timeIndex);
    await writeFile(timeIndex, stale.subarray(0, stale.length - 12));
    const { store, logger } = await reopen();
    expect(warnings(logger, 'rebuilding segment indexes').length).toBeGreaterThanOrEqual(1);
    expect(await readFile(index)).toEqual(original);
    expect(await readFile(timeIndex)).toEqual(stale);
    await checkLookups(store, topic, 80);
  });
});

describe('damage in the middle of the log', () => {
  it('marks the partition damaged and refuses to serve it; other partitions keep working', async () => {
    const { dataDir, topic, sizes, reopen } = await seed({ batches: 5, partitions: 2 });
    const file = segmentPath(dataDir, topic, 0, 0);
    const bytes = await readFile(file);
    const position = sizes[0]! + sizes[1]!;
    flipByte(bytes, position + 90);
    await writeFile(file, bytes);
    await simulateCrash(dataDir);

    const { store, logger } = await reopen();
    const state = store.partitionState(topic, 0);
    expect(state.damage).toMatchObject({ segment: '00000000000000000000.log', position });
    expect(state.damage!.reason).toMatch(/CRC-32C mismatch.*valid batch follows/);
    const readErr = await expectCode(store.read(topic, 0, 0, 1000), 'CORRUPT_LOG');
    expect(readErr.message).toContain('00000000000000000000.log');
    expect(readErr.message).toContain(`position ${position}`);
    await expectCode(store.append(topic, 0, makeBatch()), 'CORRUPT_LOG');
    await expectCode(store.offsetForTimestamp(topic, 0, 0), 'CORRUPT_LOG');
    // Nothing was truncated away.
    expect((await stat(file)).size).toBe(bytes.length);
    expect(logger.entries.some((e) => e.level === 'error' && e.msg === 'partition damaged, refusing to serve it')).toBe(true);
    // The sibling partition is unaffected.
    expect((await store.append(topic, 1, makeBatch())).baseOffset).toBe(0);
    expect(splitBatches((await store.read(topic, 1, 0, 1000)).bytes)).toHaveLength(1);
  });

  it('detects a damaged baseOffset (outside the CRC) through offset continuity', async () => {
    const { dataDir, topic, sizes, reopen } = await seed({ batches: 4 });
    const file = segmentPath(dataDir, topic, 0, 0);
    const bytes = await readFile(file);
    bytes.writeBigInt64BE(1000n, sizes[0]!);
    await writeFile(file, bytes);
    await simulateCrash(dataDir);
    const { store } = await reopen();
    expect(store.partitionState(topic, 0).damage?.reason).toMatch(/breaks continuity \(expected 2\)/);
  });

  it('damage in an older segment is reported, not truncated, even though the segment is complete', async () => {
    const { dataDir, topic, reopen } = await seed({ batches: 12, config: { segmentBytes: 600 } });
    const file = segmentPath(dataDir, topic, 0, 0);
    const bytes = await readFile(file);
    flipByte(bytes, bytes.length - 5); // the last batch of a non-last segment
    await writeFile(file, bytes);
    await rm(segmentPath(dataDir, topic, 0, 0, 'index')); // forces the rescan of that segment
    const { store } = await reopen();
    const damage = store.partitionState(topic, 0).damage;
    expect(damage?.segment).toBe('00000000000000000000.log');
    expect(damage?.reason).toMatch(/not the last one/);
    expect((await stat(file)).size).toBe(bytes.length);
    await expectCode(store.read(topic, 0, 0, 100), 'CORRUPT_LOG');
  });
});
