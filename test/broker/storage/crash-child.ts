/**
 * Child program of the crash tests: opens a FileLogStore (flushPolicy sync) and appends forever
 * with many appends in flight until it is SIGKILLed. Every append that RESOLVES is recorded in
 * the ack file (O_APPEND, writeSync, before anything else happens) so the parent knows exactly
 * what the store promised was durable.
 *
 *   node --import tsx test/broker/storage/crash-child.ts <dataDir> <ackFile> <cycle> <seed>
 *
 * Env: SLUICE_CRASH_INFLIGHT (appends in flight, default 16), SLUICE_CRASH_RATE_BYTES (pacing,
 * default 1.5 MB/s of batch bytes; 0 = as fast as the store goes).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import type { Logger } from '../../../broker/logger.js';
import { encodeBatch } from '../../../broker/records/encoder.js';
import { CRASH_TOPICS, batchHash, formatAck, makePayload, prng } from './crash-harness.js';

const [dataDir, ackFile, cycleArg, seedArg] = process.argv.slice(2);
if (!dataDir || !ackFile || !cycleArg || !seedArg) {
  process.stderr.write('usage: crash-child.ts <dataDir> <ackFile> <cycle> <seed>\n');
  process.exit(2);
}
const cycle = Number(cycleArg);
const rand = prng(Number(seedArg) ^ Math.imul(cycle + 1, 0x9e3779b1));
const inflight = Number(process.env.SLUICE_CRASH_INFLIGHT ?? 16);
/** Payload pacing (bytes/s): keeps 50 cycles × (log rescan + fds of 64 KiB segments) inside the
 * CI budget while the kill still lands mid-traffic. Bursts of `inflight` appends still share one
 * fsync, so group commit is exercised. 0 = unpaced. */
const rate = Number(process.env.SLUICE_CRASH_RATE_BYTES ?? 1_500_000);
let started = performance.now();
let sent = 0;
async function pace(bytes: number): Promise<void> {
  if (rate <= 0) return;
  sent += bytes;
  const ahead = (sent / rate) * 1000 - (performance.now() - started);
  if (ahead > 1) await new Promise((r) => setTimeout(r, ahead));
}

const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (msg, fields) => process.stderr.write(`warn ${msg} ${JSON.stringify(fields ?? {})}\n`),
  error: (msg, fields) => process.stderr.write(`error ${msg} ${JSON.stringify(fields ?? {})}\n`),
};

const ackFd = openSync(ackFile, 'a');
const store = new FileLogStore({ dataDir, flushPolicy: 'sync', logger: stderrLogger });
await store.open();
for (const t of CRASH_TOPICS) {
  if (!store.getTopic(t.name)) throw new Error(`topic ${t.name} missing: the parent creates topics before the first cycle`);
}
started = performance.now();
// READY means "open, and the first append is acknowledged": on a loaded 2-core box the first
// fdatasync can take longer than the shortest kill delay, and a cycle that acknowledged nothing
// would test nothing.
let ready = false;

let batchSeq = 0;

async function worker(): Promise<void> {
  for (;;) {
    const topicIdx = (rand() * CRASH_TOPICS.length) | 0;
    const topic = CRASH_TOPICS[topicIdx]!;
    const partition = (rand() * topic.partitions) | 0;
    const count = 1 + ((rand() * 50) | 0);
    const seq = batchSeq++;
    // Mostly small records, sometimes a large one so batches straddle segment boundaries unevenly.
    const values = Array.from({ length: count }, (_, i) => makePayload(cycle, seq, topicIdx, partition, i, rand() < 0.02 ? 1000 + ((rand() * 3000) | 0) : (rand() * 120) | 0, rand));
    const batch = await encodeBatch(values.map((value) => ({ value })));
    const hash = batchHash(batch);
    const bytes = batch.length;
    await pace(bytes);
    const res = await store.append(topic.name, partition, batch);
    if (res.lastOffset - res.baseOffset + 1 !== count) {
      process.stderr.write(`append returned ${res.baseOffset}..${res.lastOffset} for ${count} records\n`);
      process.exit(3);
    }
    writeSync(ackFd, formatAck({ topic: topic.name, partition, baseOffset: res.baseOffset, lastOffset: res.lastOffset, records: count, bytes, hash, cycle, batchSeq: seq }));
    if (!ready) {
      ready = true;
      process.stdout.write('READY\n');
    }
  }
}

try {
  await Promise.all(Array.from({ length: inflight }, () => worker()));
} catch (err) {
  process.stderr.write(`append failed: ${(err as Error).stack ?? String(err)}\n`);
  closeSync(ackFd);
  process.exit(1);
}
