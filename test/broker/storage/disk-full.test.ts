import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { isSluiceError } from '../../../broker/errors.js';
import { CLEAN_SHUTDOWN_FILE } from '../../../broker/storage/file-log-store.js';
import { freshTopic, makeBatch, openStore, splitBatches } from './helpers.js';

/**
 * A real full disk: a 1 MiB tmpfs mounted for this test (CI runs as root on the project's
 * machines). Injected fakes would only prove that the store handles the fake.
 */
describe('a full disk', () => {
  let mountPoint = '';

  beforeAll(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'sluice-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
  });

  afterAll(async () => {
    if (!mountPoint) return;
    execFileSync('umount', [mountPoint]);
    await rm(mountPoint, { recursive: true, force: true });
  });

  it('fails the append with an I/O error and leaves the log readable, before and after a restart', async () => {
    const dataDir = join(mountPoint, 'data');
    const { store, reopen } = await openStore({ dataDir });
    const topic = freshTopic('full');
    await store.createTopic(topic, 1, { segmentBytes: 256 * 1024 });

    const acked: { baseOffset: number; bytes: Buffer }[] = [];
    let failure: unknown;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      const batch = makeBatch({ count: 10, valueSize: 1000, fill: 0x41 + (i % 26) });
      try {
        const r = await store.append(topic, 0, batch);
        acked.push({ baseOffset: r.baseOffset, bytes: batch.subarray(8) });
      } catch (err) {
        failure = err;
      }
    }

    expect(failure, 'the disk never filled up').toBeDefined();
    expect(isSluiceError(failure, 'IO_ERROR'), `expected IO_ERROR, got ${String(failure)}`).toBe(true);
    expect(String((failure as Error).message)).toMatch(/ENOSPC|no space/i);
    expect(acked.length).toBeGreaterThan(10);

    const verify = async (s: typeof store) => {
      const end = s.offsets(topic, 0).logEndOffset;
      expect(end).toBe(acked.at(-1)!.baseOffset + 10);
      const read = await s.read(topic, 0, 0, 64 * 1024 * 1024);
      const batches = splitBatches(read.bytes);
      expect(batches.map((b) => b.baseOffset)).toEqual(acked.map((a) => a.baseOffset));
      batches.forEach((b, i) => expect(read.bytes.subarray(b.position + 8, b.position + b.size).equals(acked[i]!.bytes)).toBe(true));
    };
    await verify(store);
    await store.close();
    // The write path failed, so the shutdown is not clean: the next open must rescan.
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(false);

    // Space comes back (an operator frees the disk); the restarted store recovers the same log
    // and accepts appends again.
    execFileSync('mount', ['-o', 'remount,size=8m', mountPoint]);
    const again = await reopen();
    await verify(again.store);
    const next = await again.store.append(topic, 0, makeBatch({ count: 1 }));
    expect(next.baseOffset).toBe(acked.at(-1)!.baseOffset + 10);
    await again.store.close();
  });
});
