/**
 * Child program of crash.test.ts: publishes and consumes through the queue engine until it is
 * killed. Every operation that resolved is logged with writeSync before the next one starts:
 *   P <partition> <offset> <value>   publish acknowledged
 *   A <partition> <offset> <value>   ack acknowledged
 * Consumers nack ~15% of messages and drop ~3% (their lease expires), so redeliveries and dead
 * letters are under way when the SIGKILL lands. A quarter of the batches carry a short TTL, so a
 * nacked or dropped one often expires before its redelivery and is moved to the archive topic:
 * archive moves (append, then settle) are under way at the kills too.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { startQueues } from '../../../broker/queues/engine.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { isSluiceError } from '../../../broker/errors.js';
import type { Logger } from '../../../broker/logger.js';
import { prng } from '../storage/crash-harness.js';
import { QUEUE_CRASH_SUB, QUEUE_CRASH_TOPIC } from './crash-setup.js';

const [dataDir, logFile, cycleArg, seedArg] = process.argv.slice(2);
if (!dataDir || !logFile || !cycleArg || !seedArg) {
  process.stderr.write('usage: crash-child.ts <dataDir> <logFile> <cycle> <seed>\n');
  process.exit(2);
}
const cycle = Number(cycleArg);
const rand = prng(Number(seedArg) ^ Math.imul(cycle + 1, 0x9e3779b1));
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (m, f) => process.stderr.write(`warn ${m} ${JSON.stringify(f ?? {})}\n`),
  error: (m, f) => process.stderr.write(`error ${m} ${JSON.stringify(f ?? {})}\n`),
};

const fd = openSync(logFile, 'a');
const store = new FileLogStore({ dataDir, flushPolicy: 'sync', logger, retentionCheckIntervalMs: 0 });
await store.open();
const engine = await startQueues(store, { tickMs: 50, logger, snapshotEvery: 500 });
let ready = false;
let seq = 0;

async function producer(): Promise<void> {
  for (;;) {
    const n = 1 + Math.floor(rand() * 20);
    const values = Array.from({ length: n }, (_, i) => `c${cycle}-${seq}-${i}`);
    seq++;
    const ttlMs = rand() < 0.25 ? 50 + Math.floor(rand() * 250) : undefined;
    const res = await engine.publish(QUEUE_CRASH_TOPIC, values.map((value) => (ttlMs === undefined ? { value } : { value, ttlMs })));
    writeSync(fd, res.map((r, i) => `P ${r.partition} ${r.offset} ${values[i]}\n`).join(''));
    if (!ready) {
      ready = true;
      process.stdout.write('READY\n');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function consumer(): Promise<void> {
  for (;;) {
    const got = await engine.receive(QUEUE_CRASH_TOPIC, QUEUE_CRASH_SUB, { max: 20, leaseMs: 1500, waitMs: 200 });
    const toAck = [];
    for (const m of got) {
      const r = rand();
      if (r < 0.15) await engine.nack(m.receipt, { reason: `cycle ${cycle} says no` }).catch(lateLease);
      else if (r >= 0.18) toAck.push(m);
    }
    if (toAck.length === 0) continue;
    // On a loaded box a lease can run out before the ack: nothing is acked then, and nothing logged.
    if (!(await engine.ack(toAck.map((m) => m.receipt)).then(() => true, lateLease))) continue;
    writeSync(fd, toAck.map((m) => `A ${m.partition} ${m.offset} ${m.value!.toString('utf8')}\n`).join(''));
  }
}

function lateLease(err: unknown): false {
  if (isSluiceError(err, 'STALE_RECEIPT')) return false;
  throw err;
}

try {
  await Promise.all([producer(), consumer(), consumer()]);
} catch (err) {
  process.stderr.write(`queue child failed: ${(err as Error).stack ?? String(err)}\n`);
  closeSync(fd);
  process.exit(1);
}
