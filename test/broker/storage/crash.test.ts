/**
 * Process-level kill -9 loop against the real file system (perf-reliability.md §4, plan item 4).
 *
 * Each cycle spawns crash-child.ts on the same data dir; the child appends with flushPolicy sync
 * and many appends in flight to several partitions with 64 KiB segments, logging every append
 * that resolved. A random 100-600 ms after it reports ready (store open, first append
 * acknowledged) the parent SIGKILLs it, reopens the store in this
 * process and checks that every acknowledged batch is there, byte for byte, at its acknowledged
 * offsets; that the log holds only whole valid batches with contiguous offsets; and that the log
 * end is past the last acknowledged offset. The next cycle appends on top of the recovered log.
 *
 * Env: SLUICE_CRASH_CYCLES (default 50), SLUICE_CRASH_SEED (default random, printed),
 *      SLUICE_CRASH_INFLIGHT (appends in flight in the child, default 16),
 *      SLUICE_CRASH_RATE_BYTES (child pacing, default 1.5 MB/s of batch bytes, 0 = unpaced),
 *      SLUICE_CRASH_KEEP=1 keeps the data dir for inspection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AckBook, createCrashTopics, prepareChild, type CheckedCache, type ChildHandle, CRASH_TOPICS, killHard, parseAcks, prng, sleep, spawnChild, verifyStore, waitReady } from './crash-harness.js';

const CYCLES = Number(process.env.SLUICE_CRASH_CYCLES ?? 50);
const SEED = Number(process.env.SLUICE_CRASH_SEED ?? (Math.random() * 2 ** 31) >>> 0);

describe('FileLogStore survives SIGKILL (process crash loop)', () => {
  it(`keeps every acknowledged batch across ${CYCLES} kill -9 cycles`, { timeout: 60_000 + CYCLES * 15_000 }, async () => {
    const started = Date.now();
    const rand = prng(SEED);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crash-'));
    const ackDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-crash-acks-'));
    const book = new AckBook();
    const checked: CheckedCache = new Map();
    const launcher = await prepareChild();
    let current: ChildHandle | undefined;
    let truncatingRecoveries = 0;
    let bytesTruncated = 0;
    let recoveryWarnings = 0;
    const warningKinds = new Map<string, number>();
    let partialAckLines = 0;
    let lastLog = { batches: 0, messages: 0, bytes: 0 };
    let maxRecoveryMs = 0;
    try {
      await createCrashTopics(dataDir);

      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const ackFile = path.join(ackDir, `acks-${cycle}.log`);
        const child = (current = spawnChild(launcher, dataDir, ackFile, cycle, SEED));
        await waitReady(child);
        await sleep(100 + Math.floor(rand() * 500));
        await killHard(child);

        const { acks, partialTail } = parseAcks(ackFile);
        if (partialTail) partialAckLines++;
        for (const a of acks) book.add(a);

        const t0 = Date.now();
        const v = await verifyStore(dataDir, book, CRASH_TOPICS, checked);
        maxRecoveryMs = Math.max(maxRecoveryMs, Date.now() - t0);
        if (v.bytesTruncated > 0) {
          truncatingRecoveries++;
          bytesTruncated += v.bytesTruncated;
        }
        recoveryWarnings += v.recoveryLogs.length;
        for (const e of v.recoveryLogs) {
          const k = `${e.level}: ${e.msg}${typeof e.fields?.reason === 'string' ? ` (${e.fields.reason.replace(/\d+/g, 'N')})` : ''}`;
          warningKinds.set(k, (warningKinds.get(k) ?? 0) + 1);
        }
        lastLog = { batches: v.logBatches, messages: v.logMessages, bytes: v.logBytes };
        if (v.failures.length > 0) {
          throw new Error(`cycle ${cycle} (seed ${SEED}, data dir ${dataDir}): ${v.failures.length} failures:\n${v.failures.slice(0, 20).join('\n')}`);
        }
        expect(v.ackedBatchesVerified).toBe(book.total);
        expect(acks.length, `cycle ${cycle}: the child acknowledged nothing (stderr: ${child.stderr()})`).toBeGreaterThan(0);
      }

      const seconds = (Date.now() - started) / 1000;
      console.log(
        [
          `crash loop: ${CYCLES} SIGKILL cycles in ${seconds.toFixed(1)} s (seed ${SEED}, child started as ${launcher.mode})`,
          `  acknowledged and verified after the last cycle: ${book.total} batches, ${book.messages} messages, ${book.bytes} bytes — 0 lost, 0 changed`,
          `  log at the end: ${lastLog.batches} batches, ${lastLog.messages} messages, ${lastLog.bytes} bytes (unacknowledged-but-written batches included)`,
          `  recoveries that cut segment bytes: ${truncatingRecoveries} of ${CYCLES} (${bytesTruncated} bytes in all); store warnings while recovering: ${recoveryWarnings}`,
          ...[...warningKinds].map(([k, n]) => `    ${n}× ${k}`),
          `  ack files ending in a partial line: ${partialAckLines}; slowest reopen+verify: ${maxRecoveryMs} ms`,
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
