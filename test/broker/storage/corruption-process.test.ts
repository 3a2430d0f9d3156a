/**
 * Process-level corruption on top of a real crash (perf-reliability.md §4, plan item 5): the child
 * appends with flushPolicy sync and is SIGKILLed, then — before anything reopens the store — this
 * test damages the active segment of one partition the way a crash, a bad disk or an operator
 * could: cut it inside a batch or inside a batch header, append random garbage, append zeros (a
 * file extended before its data landed), append a stale copy of an earlier batch, or flip a byte
 * inside the last batch. Recovery must come back to exactly the last whole valid batch before the
 * damage, keep every acknowledged batch the damage did not destroy, never serve the damaged
 * bytes, and leave the file so that the next cycle's appends land on a clean tail.
 *
 * The in-process unit tests of recovery belong to the storage engine; this file only drives a
 * real killed process and a real file.
 *
 * Env: SLUICE_CORRUPTION_ROUNDS (default 12), SLUICE_CRASH_SEED (default random, printed).
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BATCH, probeBatch } from '../../../broker/records/batch-header.js';
import { AckBook, createCrashTopics, prepareChild, type CheckedCache, type ChildHandle, CRASH_TOPICS, killHard, parseAcks, prng, sleep, spawnChild, verifyStore, waitReady, walk } from './crash-harness.js';

const ROUNDS = Number(process.env.SLUICE_CORRUPTION_ROUNDS ?? 12);
const SEED = Number(process.env.SLUICE_CRASH_SEED ?? (Math.random() * 2 ** 31) >>> 0);

const KINDS = ['truncate-mid-batch', 'truncate-in-header', 'append-garbage', 'append-zeros', 'append-stale-batch', 'corrupt-last-batch'] as const;
type Kind = (typeof KINDS)[number];

interface SegmentBatch {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
}

interface ActiveSegment {
  file: string;
  baseOffset: number;
  fileSize: number;
  /** Whole valid batches from the start of the file, with contiguous offsets. */
  batches: SegmentBatch[];
  /** Byte length of that valid prefix. */
  validBytes: number;
}

/** The partition's newest `.log` file. Segment files are `<20-digit base offset>.log` in a partition
 * directory: `<dataDir>/topics/<topic>/<partition>/` (Kafka's own `<topic>-<partition>/` also found). */
function activeSegment(dataDir: string, topic: string, partition: number): ActiveSegment | undefined {
  const dirs = new Set(walk(dataDir).filter((f) => /\d{20}\.log$/.test(f)).map((f) => path.dirname(f)));
  const dir = [...dirs].find(
    (d) => (path.basename(d) === String(partition) && path.basename(path.dirname(d)) === topic) || path.basename(d) === `${topic}-${partition}`,
  );
  if (!dir) return undefined;
  const logs = readdirSync(dir).filter((n) => /^\d{20}\.log$/.test(n)).sort();
  const name = logs.at(-1);
  if (!name) return undefined;
  const file = path.join(dir, name);
  const baseOffset = Number(name.slice(0, 20));
  const bytes = readFileSync(file);
  const batches: SegmentBatch[] = [];
  let pos = 0;
  let next = baseOffset;
  while (pos < bytes.length) {
    const probe = probeBatch(bytes, pos);
    if (probe.kind !== 'batch' || probe.header.baseOffset !== next) break;
    const lastOffset = probe.header.baseOffset + probe.header.lastOffsetDelta;
    batches.push({ position: pos, size: probe.header.sizeInBytes, baseOffset: next, lastOffset });
    pos += probe.header.sizeInBytes;
    next = lastOffset + 1;
  }
  return { file, baseOffset, fileSize: bytes.length, batches, validBytes: pos };
}

function appendBytes(file: string, bytes: Buffer): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

interface Damage {
  kind: Kind;
  topic: string;
  partition: number;
  file: string;
  /** Log end offset recovery must come back to. */
  expectedEnd: number;
  /** Segment file size recovery must leave. */
  expectedSize: number;
  detail: string;
}

/** Applies `kind` to the active segment; returns what recovery must produce, or undefined when the
 * active segment has nothing the damage needs (for instance it was just rolled and is empty). */
function damage(kind: Kind, seg: ActiveSegment, topic: string, partition: number, rand: () => number): Damage | undefined {
  const pick = (n: number) => Math.floor(rand() * n);
  const { batches } = seg;
  // Whatever the kill left after the valid prefix (a torn write) is gone after recovery as well.
  const endAfterValid = batches.length > 0 ? batches.at(-1)!.lastOffset + 1 : seg.baseOffset;
  const base = { kind, topic, partition, file: seg.file };
  switch (kind) {
    case 'truncate-mid-batch':
    case 'truncate-in-header':
    case 'corrupt-last-batch': {
      if (batches.length === 0) return undefined;
      // Prefer the newest batches (what a crash would hit) but sometimes reach further back.
      const victim = kind === 'corrupt-last-batch' ? batches.length - 1 : Math.max(0, batches.length - 1 - pick(Math.min(batches.length, 8)));
      const b = batches[victim]!;
      if (kind === 'corrupt-last-batch') {
        // A byte inside the CRC-covered part: attributes onward. Restores nothing, truncates nothing.
        const at = b.position + BATCH.ATTRIBUTES + pick(b.size - BATCH.ATTRIBUTES);
        const fd = openSync(seg.file, 'r+');
        try {
          const one = Buffer.alloc(1);
          readSync(fd, one, 0, 1, at);
          one[0] = one[0]! ^ (1 + pick(255));
          writeSync(fd, one, 0, 1, at);
        } finally {
          closeSync(fd);
        }
        return { ...base, expectedEnd: b.baseOffset, expectedSize: b.position, detail: `flipped byte ${at - b.position} of batch ${b.baseOffset}..${b.lastOffset} at position ${b.position}` };
      }
      const cutInto = kind === 'truncate-in-header' ? 1 + pick(BATCH.OVERHEAD - 1) : BATCH.OVERHEAD + pick(Math.max(1, b.size - BATCH.OVERHEAD));
      const cut = b.position + Math.min(cutInto, b.size - 1);
      truncateSync(seg.file, cut);
      return { ...base, expectedEnd: b.baseOffset, expectedSize: b.position, detail: `cut at ${cut}, ${cut - b.position} bytes into batch ${b.baseOffset}..${b.lastOffset} (${batches.length - victim} batches destroyed)` };
    }
    case 'append-garbage': {
      const n = 1 + pick(8192);
      const g = Buffer.alloc(n);
      for (let i = 0; i < n; i++) g[i] = pick(256);
      // Sometimes make it look like a batch header: magic 2 at the right place and a sane length.
      if (n >= BATCH.OVERHEAD && rand() < 0.5) {
        g.writeBigInt64BE(BigInt(endAfterValid), 0);
        g.writeInt32BE(n - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
        g.writeInt8(2, BATCH.MAGIC);
      }
      appendBytes(seg.file, g);
      return { ...base, expectedEnd: endAfterValid, expectedSize: seg.validBytes, detail: `appended ${n} random bytes after ${seg.fileSize - seg.validBytes} torn bytes` };
    }
    case 'append-zeros': {
      const n = 4096 * (1 + pick(4));
      appendBytes(seg.file, Buffer.alloc(n));
      return { ...base, expectedEnd: endAfterValid, expectedSize: seg.validBytes, detail: `appended ${n} zero bytes after ${seg.fileSize - seg.validBytes} torn bytes` };
    }
    case 'append-stale-batch': {
      if (batches.length === 0) return undefined;
      const b = batches[pick(batches.length)]!;
      const copy = readFileSync(seg.file).subarray(b.position, b.position + b.size);
      appendBytes(seg.file, Buffer.from(copy));
      return { ...base, expectedEnd: endAfterValid, expectedSize: seg.validBytes, detail: `appended a valid copy of batch ${b.baseOffset}..${b.lastOffset} after ${seg.fileSize - seg.validBytes} torn bytes` };
    }
  }
}

describe('FileLogStore recovers from a damaged active segment after SIGKILL (process level)', () => {
  it(`recovers to the last valid batch in ${ROUNDS} kill + damage rounds`, { timeout: 60_000 + ROUNDS * 20_000 }, async () => {
    const started = Date.now();
    const rand = prng(SEED ^ 0x5eed);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-corrupt-'));
    const ackDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-corrupt-acks-'));
    const book = new AckBook();
    const checked: CheckedCache = new Map();
    const launcher = await prepareChild();
    let current: ChildHandle | undefined;
    const applied: Damage[] = [];
    let destroyedAcks = 0;
    let skipped = 0;
    try {
      await createCrashTopics(dataDir);

      for (let round = 0; round < ROUNDS; round++) {
        const ackFile = path.join(ackDir, `acks-${round}.log`);
        const child = (current = spawnChild(launcher, dataDir, ackFile, round, SEED));
        await waitReady(child);
        await sleep(150 + Math.floor(rand() * 350));
        await killHard(child);
        const { acks } = parseAcks(ackFile);
        for (const a of acks) book.add(a);
        expect(acks.length, `round ${round}: the child acknowledged nothing (stderr: ${child.stderr()})`).toBeGreaterThan(0);

        // Damage one partition (two from round 6 on), choosing among those with data.
        const kind = KINDS[round % KINDS.length]!;
        const targets = CRASH_TOPICS.flatMap((t) => Array.from({ length: t.partitions }, (_, p) => ({ topic: t.name, partition: p })));
        const order = targets.map((t) => ({ t, k: rand() })).sort((a, b) => a.k - b.k).map((x) => x.t);
        const wanted = round >= KINDS.length ? 2 : 1;
        const done: Damage[] = [];
        for (const { topic, partition } of order) {
          if (done.length === wanted) break;
          const seg = activeSegment(dataDir, topic, partition);
          if (!seg) continue;
          const k = done.length === 0 ? kind : KINDS[(round + 3) % KINDS.length]!;
          const d = damage(k, seg, topic, partition, rand);
          if (d) done.push(d);
        }
        if (done.length === 0) {
          skipped++;
          continue;
        }
        for (const d of done) destroyedAcks += book.dropFrom(d.topic, d.partition, d.expectedEnd).length;
        applied.push(...done);

        const v = await verifyStore(dataDir, book, CRASH_TOPICS, checked);
        const problems = [...v.failures];
        for (const d of done) {
          const scan = v.partitions.get(`${d.topic}/${d.partition}`)!;
          if (scan.logEndOffset !== d.expectedEnd) problems.push(`${d.kind} on ${d.topic}/${d.partition} (${d.detail}): recovered log end ${scan.logEndOffset}, expected ${d.expectedEnd}`);
          const size = statSync(d.file, { throwIfNoEntry: false })?.size;
          if (size !== undefined && size !== d.expectedSize) problems.push(`${d.kind} on ${d.topic}/${d.partition} (${d.detail}): segment is ${size} bytes after recovery, expected ${d.expectedSize}`);
        }
        if (problems.length > 0) {
          throw new Error(`round ${round} (seed ${SEED}, data dir ${dataDir}):\n${problems.slice(0, 20).join('\n')}\ndamage: ${JSON.stringify(done, null, 1)}`);
        }
        expect(v.ackedBatchesVerified).toBe(book.total);
      }

      // One more clean cycle on top of everything: appends after the repaired tails must be whole.
      const ackFile = path.join(ackDir, 'acks-final.log');
      const child = (current = spawnChild(launcher, dataDir, ackFile, ROUNDS, SEED));
      await waitReady(child);
      await sleep(300);
      await killHard(child);
      for (const a of parseAcks(ackFile).acks) book.add(a);
      const v = await verifyStore(dataDir, book, CRASH_TOPICS, checked);
      expect(v.failures).toEqual([]);
      expect(v.ackedBatchesVerified).toBe(book.total);

      const byKind = new Map<string, number>();
      for (const d of applied) byKind.set(d.kind, (byKind.get(d.kind) ?? 0) + 1);
      console.log(
        [
          `corruption rounds: ${ROUNDS} (+1 clean) in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED}); damage applied: ${[...byKind].map(([k, n]) => `${k} ×${n}`).join(', ')}; rounds skipped (no data): ${skipped}`,
          `  acked batches destroyed on purpose: ${destroyedAcks}; acked batches verified intact at the end: ${book.total} (${book.messages} messages) — 0 lost`,
        ].join('\n'),
      );
    } finally {
      // A failed wait must not leave a child appending to a directory that is about to go.
      if (current && current.proc.exitCode === null && current.proc.signalCode === null) await killHard(current).catch(() => {});
      await launcher.dispose();
      if (process.env.SLUICE_CRASH_KEEP === '1') console.log(`kept ${dataDir} and ${ackDir}`);
      else {
        await rm(dataDir, { recursive: true, force: true });
        await rm(ackDir, { recursive: true, force: true });
      }
    }
  });
});
