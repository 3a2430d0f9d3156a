/**
 * `npm run broker` as a real process: starts, logs its data dir and flush policy, and on SIGTERM
 * or SIGINT closes the store (clean-shutdown marker written) and exits 0.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAN_SHUTDOWN_FILE } from '../../broker/storage/file-log-store.js';
import { BrokerProcess, killGroup, runBroker } from './broker-process.js';

let dataDir: string;
let running: BrokerProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-main-'));
});

afterEach(async () => {
  if (running && running.child.exitCode === null) {
    killGroup(running.child);
    await running.exited;
  }
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run broker (broker/main.ts)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('starts, then on %s shuts down cleanly with exit code 0', async (signal) => {
    const broker = (running = runBroker({ SLUICE_DATA_DIR: dataDir, SLUICE_FLUSH_POLICY: 'interval', SLUICE_FLUSH_INTERVAL_MS: '200' }));
    const started = await broker.waitForLog('broker started');
    expect(started).toMatchObject({ dataDir, flushPolicy: 'interval', flushIntervalMs: 200 });
    const ready = await broker.waitForLog('standalone broker ready; stop with SIGINT or SIGTERM');
    expect(ready).toMatchObject({ dataDir, flushPolicy: 'interval', pid: expect.any(Number) });
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(false); // removed while running

    broker.child.kill(signal);
    const { code, signal: bySignal } = await broker.exited;
    expect({ code, bySignal }).toEqual({ code: 0, bySignal: null });
    expect(broker.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['shutting down', 'broker stopping', 'broker stopped', 'shutdown complete']),
    );
    expect(broker.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal });
    expect(broker.lines.find((l) => l.msg === 'shutdown complete')).toMatchObject({ exitCode: 0 });
    expect(broker.stderr).toBe('');
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);

    // The next start finds the marker: no recovery scan.
    const again = (running = runBroker({ SLUICE_DATA_DIR: dataDir }));
    await again.waitForLog('broker started');
    expect(again.lines.some((l) => l.msg.includes('no clean-shutdown marker'))).toBe(false);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('a broker killed without a chance to close is recovered on the next start', async () => {
    const broker = (running = runBroker({ SLUICE_DATA_DIR: dataDir }));
    await broker.waitForLog('standalone broker ready; stop with SIGINT or SIGTERM');
    killGroup(broker.child);
    await broker.exited;
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(false);

    const again = (running = runBroker({ SLUICE_DATA_DIR: dataDir }));
    await again.waitForLog('broker started');
    expect(again.lines.some((l) => l.msg.includes('no clean-shutdown marker'))).toBe(true);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('refuses an invalid environment with exit code 2, naming the variable', async () => {
    const broker = (running = runBroker({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_PORT: 'ninety', SLUICE_FLUSH_POLICY: 'never' }));
    const { code } = await broker.exited;
    expect(code).toBe(2);
    expect(broker.stderr).toContain('Invalid broker configuration');
    expect(broker.stderr).toContain('SLUICE_KAFKA_PORT: must be a TCP port');
    expect(broker.stderr).toContain('SLUICE_FLUSH_POLICY: must be "sync" or "interval" (got "never")');
    expect(broker.lines.some((l) => l.msg === 'broker started')).toBe(false);
  });

  it('exits 1 with the cause when the data dir cannot be used', async () => {
    const notADir = join(dataDir, 'a-file');
    writeFileSync(notADir, 'not a directory');
    const broker = (running = runBroker({ SLUICE_DATA_DIR: join(notADir, 'data') }));
    const { code } = await broker.exited;
    expect(code).toBe(1);
    expect(broker.stderr).toContain('broker failed to start');
    expect(broker.stderr).toContain('ENOTDIR');
    expect(broker.stderr).toContain('Set SLUICE_DATA_DIR to a directory');
  });

  it('exits 1 naming SLUICE_DATA_DIR for a path where Node 20\'s recursive mkdir never returns', async () => {
    const broker = (running = runBroker({ SLUICE_DATA_DIR: '/proc/sluice-no-such-dir/data' }));
    const { code } = await broker.exited;
    expect(code).toBe(1);
    expect(broker.stderr).toContain('SLUICE_DATA_DIR=/proc/sluice-no-such-dir/data cannot be used');
  });
});
