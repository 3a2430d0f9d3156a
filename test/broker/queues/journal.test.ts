/**
 * The queue state journal on its own, under group commit: the log keeps the order of write()
 * calls however they are grouped, a failed append stops the journal and no later write is
 * reported durable, and close() waits for every group in flight.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../broker/logger.js';
import { QUEUE_STATE_TOPIC, StateJournal } from '../../../broker/queues/journal.js';
import type { QueueEvent } from '../../../broker/queues/state.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { removeDir, tempDir } from '../storage/helpers.js';

const dirs: string[] = [];
const stores: FileLogStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close().catch(() => {});
  for (const d of dirs.splice(0)) await removeDir(d);
});

async function openStore(dataDir?: string): Promise<FileLogStore> {
  const dir = dataDir ?? (await tempDir());
  if (!dataDir) dirs.push(dir);
  const store = new FileLogStore({ dataDir: dir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
  await store.open();
  stores.push(store);
  await StateJournal.ensureTopic(store);
  return store;
}

const event = (n: number) => ({ e: 'test', n }) as unknown as QueueEvent;

async function replayed(store: FileLogStore): Promise<number[]> {
  const out: number[] = [];
  for await (const ev of StateJournal.replay(store)) out.push((ev as unknown as { n: number }).n);
  return out;
}

describe('queue state journal', () => {
  it('keeps the order of write() calls across many groups', async () => {
    const store = await openStore();
    const journal = new StateJournal(store, 1_000_000, () => event(-1));
    const writes: Promise<void>[] = [];
    let n = 0;
    for (let round = 0; round < 200; round++) {
      const k = 1 + (round % 7);
      for (let i = 0; i < k; i++) writes.push(journal.write([event(n++)]));
      // Let some groups reach the store before the next ones are queued.
      if (round % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(writes);
    expect(await replayed(store)).toEqual(Array.from({ length: n }, (_, i) => i));
    await journal.close();
  });

  it('a failed append stops the journal: its writes and every later one are rejected, none reported durable', async () => {
    const store = await openStore();
    const real = store.append.bind(store);
    // Like the real store after a failed write or fdatasync, the failure sticks.
    let calls = 0;
    store.append = (topic, partition, batch, options) => {
      if (topic === QUEUE_STATE_TOPIC && ++calls >= 2) return Promise.reject(new Error('disk on fire'));
      return real(topic, partition, batch, options);
    };
    const journal = new StateJournal(store, 1_000_000, () => event(-1));
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < 12; i++) {
      outcomes.push(journal.write([event(i)]).then(() => 'durable', (err: Error & { code?: string }) => err.code ?? err.message));
      // The first group durable on its own, the rest queued behind or beside each other.
      if (i === 0) await outcomes[0];
      else await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(outcomes);
    const firstFailure = results.indexOf('QUEUE_STATE_FAILED');
    expect(firstFailure).toBeGreaterThan(0);
    // Durable ones form a prefix; everything from the failed group on is rejected.
    expect(results.slice(0, firstFailure).every((r) => r === 'durable')).toBe(true);
    expect(results.slice(firstFailure).every((r) => r === 'QUEUE_STATE_FAILED')).toBe(true);
    expect(journal.error?.message).toContain('disk on fire');
    await expect(journal.write([event(99)])).rejects.toMatchObject({ code: 'QUEUE_STATE_FAILED' });
    // What reached the log is exactly the durable prefix (the failed group never did).
    expect(await replayed(store)).toEqual(Array.from({ length: firstFailure }, (_, i) => i));
    await journal.close();
  });

  it('close() waits for every group in flight, and a snapshot lands after them', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    let store = await openStore(dir);
    let state = 0;
    const journal = new StateJournal(store, 1_000_000, () => ({ e: 'snap', n: state }) as unknown as QueueEvent);
    for (let i = 0; i < 50; i++) {
      state = i + 1;
      void journal.write([event(i)]);
    }
    await journal.snapshotNow();
    for (let i = 50; i < 60; i++) void journal.write([event(i)]);
    await journal.close();
    await store.close();
    store = await openStore(dir);
    // Replay starts at the snapshot (which saw all 50 events), then the 10 written after it.
    expect(await replayed(store)).toEqual([50, ...Array.from({ length: 10 }, (_, i) => 50 + i)]);
  });
});
