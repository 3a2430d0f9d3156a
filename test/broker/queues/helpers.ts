import { memoryLogger } from '../../../broker/logger.js';
import { startQueues, type QueueEngine, type QueueEngineOptions } from '../../../broker/queues/engine.js';
import { archiveTopicOf } from '../../../broker/queues/ttl.js';
import { decodeBatches, type DecodedRecord } from '../../../broker/records/decoder.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { removeDir, tempDir } from '../storage/helpers.js';

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface QueueFixture {
  dataDir: string;
  store: FileLogStore;
  engine: QueueEngine;
  /** Closes engine and store cleanly, then opens both again on the same data dir. */
  restart(): Promise<void>;
  /** Drops the engine without close() (no shutdown snapshot: replay from the journal as a crash
   * would leave it), closes the store, opens both again. */
  dirtyRestart(): Promise<void>;
}

/** Fresh data dirs per test; engine timers off unless asked (tests call tick()). */
export function queueFixture() {
  const open: QueueFixture[] = [];
  const dirs: string[] = [];
  return {
    async start(options: QueueEngineOptions = {}): Promise<QueueFixture> {
      const dataDir = await tempDir();
      dirs.push(dataDir);
      const opts = { tickMs: 0, logger: memoryLogger(), random: () => 0.5, ...options };
      const store = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
      await store.open();
      const f: QueueFixture = {
        dataDir,
        store,
        engine: await startQueues(store, opts),
        async restart() {
          await f.engine.close();
          await f.store.close();
          f.store = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
          await f.store.open();
          f.engine = await startQueues(f.store, opts);
        },
        async dirtyRestart() {
          await f.store.close();
          f.store = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
          await f.store.open();
          f.engine = await startQueues(f.store, opts);
        },
      };
      open.push(f);
      return f;
    },
    async cleanup() {
      for (const f of open.splice(0)) {
        await f.engine.close();
        await f.store.close();
      }
      for (const d of dirs.splice(0)) await removeDir(d);
    },
  };
}

let n = 0;
export function freshName(prefix = 'q'): string {
  return `${prefix}-${process.pid}-${++n}`;
}

export const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

/** Every record of `<topic>.expired` (the queue archive), in order; none when it does not exist. */
export async function archived(store: FileLogStore, topic: string): Promise<DecodedRecord[]> {
  const archive = archiveTopicOf(topic);
  if (!store.getTopic(archive)) return [];
  const out: DecodedRecord[] = [];
  for (let from = 0; from < store.offsets(archive, 0).logEndOffset; ) {
    const recs = (await decodeBatches((await store.read(archive, 0, from, 1 << 20)).bytes)).flatMap((b) => b.records);
    out.push(...recs.filter((r) => r.offset >= from));
    from = recs[recs.length - 1]!.offset + 1;
  }
  return out;
}

/** A header's value as text. */
export const header = (r: DecodedRecord, key: string) => r.headers.find((h) => h.key === key)?.value?.toString('utf8');
