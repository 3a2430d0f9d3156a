/**
 * Segment descriptors are held in a bounded LRU (broker/storage/file-cache.ts): many partitions
 * and segments must work byte for byte under a tiny cap, never hold more descriptors than the cap,
 * and survive deletes, retention, reopen and SIGKILL. Descriptors are counted for real, from
 * /proc/self/fd.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBrokerConfig } from '../../../broker/config.js';
import type { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { prng } from './crash-harness.js';
import { batchFor } from './fd-cache-child.js';
import { freshTopic, makeBatch, openStore, removeDir, splitBatches, storeFixture, tempDir } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

const CHILD = fileURLToPath(new URL('./fd-cache-child.ts', import.meta.url));

/** Targets of this process's descriptors under `dir` (a deleted file reads "... (deleted)"). */
function fdsUnder(dir: string): string[] {
  const root = realpathSync(dir);
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(root)) out.push(target);
    } catch {
      // Closed between readdir and readlink (the readdir's own descriptor, for one).
    }
  }
  return out;
}

function countFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Records the most descriptors seen while work runs (sampled on a timer and on demand). */
function fdSampler(measure: () => number) {
  let max = measure();
  const sample = () => void (max = Math.max(max, measure()));
  const timer = setInterval(sample, 2);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}

/** What was appended to each partition, in offset order (the store stamps offsets into the
 * caller's buffer at call time, so the buffers are exactly what a read must return). */
class Expected {
  private readonly batches = new Map<string, Buffer[]>();

  append(store: FileLogStore, topic: string, partition: number, batch: Buffer) {
    const key = `${topic}/${partition}`;
    const list = this.batches.get(key) ?? [];
    this.batches.set(key, list);
    const done = store.append(topic, partition, batch);
    list.push(batch);
    return done;
  }

  /** Every batch from `fromOffset` (a batch boundary) on, concatenated. */
  bytes(topic: string, partition: number, fromOffset = 0): Buffer {
    return Buffer.concat((this.batches.get(`${topic}/${partition}`) ?? []).filter((b) => Number(b.readBigInt64BE(0)) >= fromOffset));
  }
}

async function readAll(store: FileLogStore, topic: string, partition: number, rand: () => number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = store.offsets(topic, partition).logStartOffset;
  const end = store.offsets(topic, partition).logEndOffset;
  while (offset < end) {
    const { bytes } = await store.read(topic, partition, offset, 100 + Math.floor(rand() * 3000));
    const batches = splitBatches(bytes);
    expect(batches.length, `read of ${topic}-${partition} at ${offset} returned nothing`).toBeGreaterThan(0);
    chunks.push(bytes);
    offset = batches.at(-1)!.lastOffset + 1;
  }
  return Buffer.concat(chunks);
}

/** Appends `count` random batches spread over `partitions`, `inflight` at a time. */
async function appendRandom(store: FileLogStore, expected: Expected, partitions: [string, number][], count: number, rand: () => number, inflight = 16) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const [topic, p] = partitions[Math.floor(rand() * partitions.length)]!;
      const batch = makeBatch({ count: 1 + Math.floor(rand() * 4), valueSize: 20 + Math.floor(rand() * 300), fill: Math.floor(rand() * 256) });
      await expected.append(store, topic, p, batch);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
}

function shuffled<T>(items: T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const SEGMENTS = { segmentBytes: 2000, retentionMs: -1, retentionBytes: -1 };

async function manyPartitions(store: FileLogStore, topics: number, partitions: number, config: object = SEGMENTS): Promise<[string, number][]> {
  const out: [string, number][] = [];
  for (let t = 0; t < topics; t++) {
    const topic = freshTopic('fd');
    await store.createTopic(topic, partitions, config);
    for (let p = 0; p < partitions; p++) out.push([topic, p]);
  }
  return out;
}

describe('bounded segment descriptors', () => {
  it('cap 8: every byte of 24 multi-segment partitions reads back in random order, before and after reopen', async () => {
    const seed = Date.now() >>> 0;
    const rand = prng(seed);
    const opened = await fx.open({ maxOpenSegmentFiles: 8 });
    const parts = await manyPartitions(opened.store, 4, 6);
    const expected = new Expected();
    const fds = fdSampler(() => fdsUnder(opened.dataDir).filter((f) => f.endsWith('.log')).length);
    await appendRandom(opened.store, expected, parts, 600, rand);
    for (const [topic, p] of shuffled(parts, rand)) {
      expect((await readAll(opened.store, topic, p, rand)).equals(expected.bytes(topic, p)), `${topic}-${p} (seed ${seed})`).toBe(true);
    }
    expect(fds.stop(), 'log files open at once').toBeLessThanOrEqual(8);
    expect(parts.filter(([t, p]) => opened.store.partitionState(t, p).segments >= 3).length).toBeGreaterThan(12);

    await opened.store.close();
    const again = await opened.reopen({ maxOpenSegmentFiles: 8 });
    await appendRandom(again.store, expected, parts, 100, rand);
    for (const [topic, p] of shuffled(parts, rand)) {
      expect((await readAll(again.store, topic, p, rand)).equals(expected.bytes(topic, p)), `${topic}-${p} after reopen (seed ${seed})`).toBe(true);
    }
    expect(fdsUnder(again.dataDir).filter((f) => f.endsWith('.log')).length).toBeLessThanOrEqual(8);
  }, 120_000);

  it('cap 3: hundreds of concurrent reads at random offsets, with appends, while descriptors are evicted under them', async () => {
    const seed = Date.now() >>> 0;
    const rand = prng(seed);
    const { store, dataDir } = await fx.open({ maxOpenSegmentFiles: 3 });
    const parts = await manyPartitions(store, 2, 6);
    const expected = new Expected();
    await appendRandom(store, expected, parts, 300, rand);
    const fds = fdSampler(() => fdsUnder(dataDir).filter((f) => f.endsWith('.log')).length);
    const reads = Array.from({ length: 400 }, async () => {
      const [topic, p] = parts[Math.floor(rand() * parts.length)]!;
      const full = expected.bytes(topic, p);
      const batches = splitBatches(full);
      const target = batches[Math.floor(rand() * batches.length)]!;
      const offset = target.baseOffset + Math.floor(rand() * (target.lastOffset - target.baseOffset + 1));
      const { bytes } = await store.read(topic, p, offset, 50 + Math.floor(rand() * 5000));
      expect(bytes.length, `read ${topic}-${p}@${offset}`).toBeGreaterThan(0);
      expect(bytes.equals(full.subarray(target.position, target.position + bytes.length)), `read ${topic}-${p}@${offset} (seed ${seed})`).toBe(true);
    });
    // More appends (pinning active segments) race with the reads.
    const more = new Expected();
    const extra = await manyPartitions(store, 1, 4);
    await Promise.all([...reads, appendRandom(store, more, extra, 100, rand, 8)]);
    expect(fds.stop()).toBeLessThanOrEqual(3);
    for (const [topic, p] of extra) expect((await readAll(store, topic, p, rand)).equals(more.bytes(topic, p))).toBe(true);
  }, 120_000);

  it('delete topic: reads racing the delete see data or a clean error, and no descriptor is left on its files', async () => {
    const rand = prng(7);
    const { store, dataDir } = await fx.open({ maxOpenSegmentFiles: 4 });
    const parts = await manyPartitions(store, 3, 3);
    const expected = new Expected();
    await appendRandom(store, expected, parts, 300, rand);
    const doomed = parts[0]![0];
    const fds = fdSampler(() => fdsUnder(dataDir).filter((f) => f.endsWith('.log')).length);
    const racing = parts.filter(([t]) => t === doomed).flatMap(([t, p]) => Array.from({ length: 20 }, () => store.read(t, p, 0, 1 << 20).then(
      ({ bytes }) => expect(bytes.length === 0 || expected.bytes(t, p).subarray(0, bytes.length).equals(bytes)).toBe(true),
      (err: { code?: string }) => expect(['STORE_CLOSED', 'UNKNOWN_TOPIC']).toContain(err.code),
    )));
    await Promise.all([...racing, store.deleteTopic(doomed)]);
    expect(fds.stop()).toBeLessThanOrEqual(4);
    expect(fdsUnder(dataDir).filter((f) => f.includes(`/${doomed}/`) || f.endsWith('(deleted)'))).toEqual([]);
    for (const [topic, p] of parts.filter(([t]) => t !== doomed)) {
      expect((await readAll(store, topic, p, rand)).equals(expected.bytes(topic, p))).toBe(true);
    }
  }, 60_000);

  it('retention deletes segments whose descriptors are cached or being read, and closes them', async () => {
    const rand = prng(11);
    const { store, dataDir } = await fx.open({ maxOpenSegmentFiles: 4 });
    const parts = await manyPartitions(store, 2, 4, { segmentBytes: 1000, retentionMs: -1, retentionBytes: 3000 });
    const expected = new Expected();
    await appendRandom(store, expected, parts, 400, rand);
    const fds = fdSampler(() => fdsUnder(dataDir).filter((f) => f.endsWith('.log')).length);
    const racing = parts.flatMap(([t, p]) => Array.from({ length: 10 }, () => store.read(t, p, 0, 1 << 20).then(
      ({ bytes }) => expect(expected.bytes(t, p).subarray(0, bytes.length).equals(bytes)).toBe(true),
      (err: { code?: string }) => expect(err.code).toBe('OFFSET_OUT_OF_RANGE'),
    )));
    await Promise.all([...racing, store.enforceRetention()]);
    expect(fds.stop()).toBeLessThanOrEqual(4);
    expect(fdsUnder(dataDir).filter((f) => f.endsWith('(deleted)'))).toEqual([]);
    for (const [topic, p] of parts) {
      const start = store.offsets(topic, p).logStartOffset;
      expect(start, `${topic}-${p} lost its old segments`).toBeGreaterThan(0);
      expect((await readAll(store, topic, p, rand)).equals(expected.bytes(topic, p, start))).toBe(true);
    }
  }, 60_000);

  it('an evicted descriptor with unsynced writes is fdatasynced before it is closed (interval policy)', async () => {
    const { store } = await fx.open({ maxOpenSegmentFiles: 2, flushPolicy: 'interval', flushIntervalMs: 3_600_000 });
    const topic = freshTopic('fd');
    await store.createTopic(topic, 6);
    const before = store.stats().fsyncs;
    const batches = Array.from({ length: 6 }, (_, p) => makeBatch({ count: 2, fill: 0x41 + p }));
    for (let p = 0; p < 6; p++) await store.append(topic, p, batches[p]!);
    // The interval flusher is an hour away: only evictions sync here, four of the six files.
    expect(store.stats().fsyncs - before).toBeGreaterThanOrEqual(4);
    for (let p = 0; p < 6; p++) expect((await store.read(topic, p, 0, 1 << 20)).bytes.equals(batches[p]!)).toBe(true);
  });

  it('2,000 partitions written and read keep the process under cap + a small constant of descriptors', async () => {
    const cap = 64;
    const rand = prng(2000);
    const { store, dataDir } = await fx.open({ maxOpenSegmentFiles: cap, flushPolicy: 'interval' });
    const baseline = countFds();
    const total = fdSampler(countFds);
    const logs = fdSampler(() => fdsUnder(dataDir).filter((f) => f.endsWith('.log')).length);
    const parts = await manyPartitions(store, 2, 1000, { segmentBytes: 4000 });
    const expected = new Expected();
    await appendRandom(store, expected, parts, 6000, rand, 64);
    const order = shuffled(parts, rand);
    await Promise.all(Array.from({ length: 64 }, async (_, w) => {
      for (let i = w; i < order.length; i += 64) {
        const [topic, p] = order[i]!;
        expect((await readAll(store, topic, p, rand)).equals(expected.bytes(topic, p))).toBe(true);
      }
    }));
    const maxTotal = total.stop();
    const maxLogs = logs.stop();
    console.log(`2,000 partitions, cap ${cap}: at most ${maxLogs} segment files and ${maxTotal} descriptors open (${baseline} before the store's work)`);
    expect(maxLogs).toBeLessThanOrEqual(cap);
    expect(maxTotal).toBeLessThanOrEqual(baseline + cap + 16);
  }, 300_000);

  it('SLUICE_MAX_OPEN_FILES reaches the broker config', () => {
    expect(loadBrokerConfig({ SLUICE_MAX_OPEN_FILES: '300' }).maxOpenSegmentFiles).toBe(300);
    expect(loadBrokerConfig({}).maxOpenSegmentFiles).toBeUndefined();
    expect(() => loadBrokerConfig({ SLUICE_MAX_OPEN_FILES: '0' })).toThrow(/SLUICE_MAX_OPEN_FILES/);
  });
});

describe('bounded segment descriptors, whole process', () => {
  function runChild(dataDir: string, topics: number, mode: 'roundtrip' | 'kill', ulimit: number, cap?: number) {
    const args = ['--import', 'tsx', CHILD, dataDir, String(topics), mode, ...(cap ? [String(cap)] : [])];
    const script = `ulimit -n ${ulimit} && exec "$0" "$@"`;
    const child = spawn('bash', ['-c', script, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, exited, output: () => out };
  }

  it('ulimit -n 256: 1,000 single-partition topics are created, appended to and read back with the default cap', async () => {
    const dataDir = await tempDir();
    try {
      const run = runChild(dataDir, 1000, 'roundtrip', 256);
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain('OK 1000');
    } finally {
      await removeDir(dataDir);
    }
  }, 240_000);

  it('SIGKILL with cap 8 after 200 acknowledged appends: reopened with cap 8, every batch is there', async () => {
    const dataDir = await tempDir();
    try {
      const run = runChild(dataDir, 200, 'kill', 1024, 8);
      await new Promise<void>((resolve, reject) => {
        run.child.stdout.on('data', () => run.output().includes('ACKED 200') && resolve());
        void run.exited.then((code) => reject(new Error(`child exited ${code} before acknowledging: ${run.output()}`)));
      });
      run.child.kill('SIGKILL');
      await run.exited;
      const { store, logger } = await openStore({ dataDir, maxOpenSegmentFiles: 8 });
      try {
        expect(logger.entries.some((e) => e.msg.startsWith('no clean-shutdown marker'))).toBe(true);
        for (let i = 0; i < 200; i++) {
          const want = batchFor(i);
          want.writeInt32BE(0, 12); // partitionLeaderEpoch, stamped by the store
          expect((await store.read(`fd-${i}`, 0, 0, 1 << 20)).bytes.equals(want), `fd-${i}`).toBe(true);
        }
        expect(fdsUnder(dataDir).filter((f) => f.endsWith('.log')).length).toBeLessThanOrEqual(8);
      } finally {
        await store.close();
      }
    } finally {
      await removeDir(dataDir);
    }
  }, 120_000);
});
