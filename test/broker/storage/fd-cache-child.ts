/**
 * Child program of fd-cache.test.ts, run in its own process so the parent can lower its
 * descriptor limit (`ulimit -n`) or SIGKILL it.
 *
 *   node --import tsx test/broker/storage/fd-cache-child.ts <dataDir> <topics> <mode> [maxOpenSegmentFiles]
 *
 * Creates `topics` single-partition topics named fd-<i>, appends batchFor(i) to each (sync
 * flush policy), then:
 * - `roundtrip`: reads every topic back, checks the bytes, closes the store and prints `OK <n>`;
 * - `kill`: prints `ACKED <n>` once every append is acknowledged and waits to be SIGKILLed.
 * Any failure prints `FAIL <message>` and exits 1.
 */
import { fileURLToPath } from 'node:url';
import { memoryLogger } from '../../../broker/logger.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { makeBatch } from './helpers.js';

const [dataDir, topicsArg, mode, capArg] = process.argv.slice(2);

/** Distinct content per topic, so a read served from the wrong file cannot pass. */
export function batchFor(i: number): Buffer {
  return makeBatch({ count: 1 + (i % 5), valueSize: 40 + (i % 97), fill: 0x20 + (i % 90), baseTimestamp: 1_700_000_000_000 + i });
}

async function main(): Promise<void> {
  const topics = Number(topicsArg);
  const store = new FileLogStore({
    dataDir: dataDir!,
    flushPolicy: 'sync',
    retentionCheckIntervalMs: 0,
    logger: memoryLogger(),
    ...(capArg ? { maxOpenSegmentFiles: Number(capArg) } : {}),
  });
  await store.open();
  for (let i = 0; i < topics; i++) await store.createTopic(`fd-${i}`, 1);
  const expected: Buffer[] = [];
  // Appends in flight on many partitions at once, as producers would send them.
  const inflight = 32;
  for (let start = 0; start < topics; start += inflight) {
    await Promise.all(
      Array.from({ length: Math.min(inflight, topics - start) }, async (_, k) => {
        const i = start + k;
        const batch = batchFor(i);
        await store.append(`fd-${i}`, 0, batch);
        expected[i] = batch;
      }),
    );
  }
  if (mode === 'kill') {
    process.stdout.write(`ACKED ${topics}\n`);
    setInterval(() => undefined, 1 << 30);
    return;
  }
  for (let i = topics - 1; i >= 0; i--) {
    const { bytes } = await store.read(`fd-${i}`, 0, 0, 1 << 20);
    if (!bytes.equals(expected[i]!)) throw new Error(`topic fd-${i} read back ${bytes.length} bytes that differ from the ${expected[i]!.length} appended`);
  }
  await store.close();
  process.stdout.write(`OK ${topics}\n`);
}

// The test imports batchFor from here; only a direct run does the work.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stdout.write(`FAIL ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  });
}
