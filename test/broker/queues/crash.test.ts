/**
 * Queue layer under kill -9 (issue 5, guarantee 9). Each cycle starts crash-child.ts on the same
 * data dir; it publishes and consumes (acks, nacks, abandoned leases) through the engine until a
 * SIGKILL 300-1500 ms after its first acknowledged publish. Then, in this process:
 *   - every acknowledged publish is in the log at its acknowledged position, byte for byte;
 *   - no message is acknowledged twice across cycles (an acked message never came back);
 * and after the last cycle a drain consumer takes everything still owed:
 *   - nothing it receives was acknowledged before (redelivery only of what was in flight);
 *   - every published message ends acked, in the dead-letter topic or in the archive (expired
 *     TTL); acks made durable just before a kill are not in the child's log, so their number must
 *     match the engine's count; an acked message is never archived, every archived one is counted
 *     expired exactly once, however many copies a kill between archive append and settle left.
 *
 * Env: SLUICE_QUEUE_CRASH_CYCLES (default 12), SLUICE_QUEUE_CRASH_SEED (default random, printed).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../broker/logger.js';
import { startQueues } from '../../../broker/queues/engine.js';
import { parseDeadLetterProvenance } from '../../../broker/queues/provenance.js';
import { archiveTopicOf, EXPIRED_REASON_HEADER } from '../../../broker/queues/ttl.js';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { prng, sleep } from '../storage/crash-harness.js';
import { QUEUE_CRASH_CONFIG, QUEUE_CRASH_DLT, QUEUE_CRASH_SUB, QUEUE_CRASH_TOPIC } from './crash-setup.js';

const CYCLES = Number(process.env.SLUICE_QUEUE_CRASH_CYCLES ?? 12);
const SEED = Number(process.env.SLUICE_QUEUE_CRASH_SEED ?? (Math.random() * 2 ** 31) >>> 0);
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

async function launcher(): Promise<{ args: string[]; dispose: () => Promise<void> }> {
  try {
    const esbuild = (await import('esbuild' as string)) as { build: (o: Record<string, unknown>) => Promise<unknown> };
    const outfile = fileURLToPath(new URL(`../../../node_modules/.cache/sluice-crash/queue-child-${process.pid}-${Date.now()}.mjs`, import.meta.url));
    await esbuild.build({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
    return { args: [outfile], dispose: () => rm(outfile, { force: true }) };
  } catch {
    return { args: ['--import', 'tsx', CHILD], dispose: async () => {} };
  }
}

function openStore(dataDir: string): FileLogStore {
  return new FileLogStore({ dataDir, flushPolicy: 'sync', logger: memoryLogger(), retentionCheckIntervalMs: 0 });
}

async function runCycle(args: string[], dataDir: string, logFile: string, cycle: number, killAfterMs: number): Promise<string> {
  const proc = spawn(process.execPath, [...args, dataDir, logFile, String(cycle), String(SEED)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-20_000)));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child not ready after 60 s: ${err}`)), 60_000);
    proc.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('READY\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`child exited before READY: ${err}`));
    });
  });
  await sleep(killAfterMs);
  proc.kill('SIGKILL');
  const signal = await exited;
  if (signal !== 'SIGKILL') throw new Error(`child ended on its own (cycle ${cycle}): ${err}`);
  return err;
}

/** Complete lines only: a kill can cut the last one. */
function parseLog(text: string): Array<{ kind: string; id: string; value: string }> {
  const lines = text.split('\n');
  lines.pop();
  return lines.map((l) => {
    const [kind, p, o, value] = l.split(' ');
    return { kind: kind!, id: `${p}:${o}`, value: value! };
  });
}

interface Stored {
  value: string;
  headers: ReturnType<typeof parseDeadLetterProvenance>;
  reason: string | undefined;
}

async function readTopic(store: FileLogStore, topic: string): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  for (let p = 0; p < (store.getTopic(topic)?.partitions ?? 0); p++) {
    let from = store.offsets(topic, p).logStartOffset;
    const end = store.offsets(topic, p).logEndOffset;
    while (from < end) {
      const batches = await decodeBatches((await store.read(topic, p, from, 1 << 20)).bytes);
      for (const b of batches) {
        for (const r of b.records) {
          const reason = r.headers.find((h) => h.key === EXPIRED_REASON_HEADER)?.value?.toString('utf8');
          out.set(`${p}:${r.offset}`, { value: r.value!.toString('utf8'), headers: parseDeadLetterProvenance(r.headers), reason });
        }
      }
      from = batches.at(-1)!.header.baseOffset + batches.at(-1)!.header.lastOffsetDelta + 1;
    }
  }
  return out;
}

describe('queue engine survives SIGKILL', () => {
  it(`loses no acknowledged publish and redelivers no acknowledged message across ${CYCLES} kill -9 cycles`, { timeout: 120_000 + CYCLES * 20_000 }, async () => {
    const rand = prng(SEED);
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sluice-qcrash-'));
    const logFile = path.join(dataDir, '..', `${path.basename(dataDir)}.log`);
    const { args, dispose } = await launcher();
    try {
      {
        const store = openStore(dataDir);
        await store.open();
        await store.createTopic(QUEUE_CRASH_TOPIC, 3, { segmentBytes: 64 * 1024 });
        const engine = await startQueues(store, { tickMs: 0 });
        await engine.createSubscription(QUEUE_CRASH_TOPIC, QUEUE_CRASH_SUB, { config: QUEUE_CRASH_CONFIG, startAt: 'earliest' });
        await engine.close();
        await store.close();
      }
      for (let cycle = 0; cycle < CYCLES; cycle++) await runCycle(args, dataDir, logFile, cycle, 300 + Math.floor(rand() * 1200));

      const entries = parseLog(await readFile(logFile, 'utf8'));
      const published = new Map<string, string>();
      const acked = new Set<string>();
      const failures: string[] = [];
      for (const e of entries) {
        if (e.kind === 'P') published.set(e.id, e.value);
        else if (acked.has(e.id)) failures.push(`${e.id} (${e.value}) acknowledged twice`);
        else acked.add(e.id);
      }

      const store = openStore(dataDir);
      await store.open();
      const log = await readTopic(store, QUEUE_CRASH_TOPIC);
      for (const [id, value] of published) if (log.get(id)?.value !== value) failures.push(`LOST publish ${id}: acknowledged ${value}, log has ${log.get(id)?.value}`);

      const engine = await startQueues(store, { tickMs: 20, logger: memoryLogger() });
      const drained = new Set<string>();
      const deadline = Date.now() + 90_000;
      while (engine.describeSubscription(QUEUE_CRASH_TOPIC, QUEUE_CRASH_SUB).counts.depth > 0 && Date.now() < deadline) {
        const got = await engine.receive(QUEUE_CRASH_TOPIC, QUEUE_CRASH_SUB, { max: 500, leaseMs: 30_000, waitMs: 500 });
        for (const m of got) {
          const id = `${m.partition}:${m.offset}`;
          if (acked.has(id)) failures.push(`REDELIVERED acked message ${id} (attempt ${m.attempt})`);
          drained.add(id);
        }
        if (got.length > 0) await engine.ack(got.map((m) => m.receipt));
      }
      const counts = engine.describeSubscription(QUEUE_CRASH_TOPIC, QUEUE_CRASH_SUB).counts;
      await engine.close();
      const dead = await readTopic(store, QUEUE_CRASH_DLT);
      const archive = await readTopic(store, archiveTopicOf(QUEUE_CRASH_TOPIC));
      await store.close();
      const deadIds = new Set([...dead.values()].map((d) => `${d.headers?.partition}:${d.headers?.offset}`));
      const archivedIds = new Set([...archive.values()].map((d) => `${d.headers?.partition}:${d.headers?.offset}`));
      for (const [at, copy] of archive) {
        const id = `${copy.headers?.partition}:${copy.headers?.offset}`;
        if (!copy.reason?.startsWith('ttl passed at ')) failures.push(`archive record ${at} (of ${id}) has reason ${copy.reason}, not a TTL`);
        if (log.get(id)?.value !== copy.value) failures.push(`archive record ${at} holds ${copy.value}, the original ${id} is ${log.get(id)?.value}`);
        if (acked.has(id) || drained.has(id)) failures.push(`ARCHIVED acknowledged message ${id}`);
      }
      if (archivedIds.size !== counts.expired) failures.push(`${archivedIds.size} distinct messages archived but the engine counts ${counts.expired} expired`);
      // A message outside all three had its ack made durable just before the kill, so the child
      // never logged it: the engine counts it acked. At most one receive batch per consumer can be
      // in that state per cycle.
      const unlogged = [...log.keys()].filter((id) => !acked.has(id) && !drained.has(id) && !deadIds.has(id) && !archivedIds.has(id));
      if (unlogged.length !== counts.acked - acked.size - drained.size) {
        failures.push(`${unlogged.length} messages neither logged as acked, drained nor dead-lettered, but the engine counts ${counts.acked - acked.size - drained.size} unlogged acks: ${unlogged.slice(0, 10).join(', ')}`);
      }
      if (unlogged.length > CYCLES * 2 * 20) failures.push(`${unlogged.length} unlogged acks is more than were in flight at the kills`);
      console.log(
        `queue crash loop (seed ${SEED}): ${CYCLES} cycles, ${published.size} acknowledged publishes (${log.size} in log), ${acked.size} acknowledged acks, ` +
          `${drained.size} drained afterwards, ${dead.size} dead letters (${deadIds.size} distinct), ${archive.size} archived copies (${archivedIds.size} distinct), ` +
          `${unlogged.length} acks in flight at a kill; final counts ${JSON.stringify(counts)}`,
      );
      expect(failures.slice(0, 20)).toEqual([]);
      expect(counts.depth).toBe(0);
      expect(acked.size).toBeGreaterThan(0);
      expect(archivedIds.size).toBeGreaterThan(0);
      await rm(dataDir, { recursive: true, force: true });
      await rm(logFile, { force: true });
    } finally {
      await dispose();
    }
  });
});
