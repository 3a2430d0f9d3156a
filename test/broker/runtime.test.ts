import { existsSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { loadBrokerConfig, type BrokerConfig } from '../../broker/config.js';
import { isSluiceError } from '../../broker/errors.js';
import { memoryLogger } from '../../broker/logger.js';
import { encodeBatch } from '../../broker/records/encoder.js';
import {
  getBroker,
  installShutdownHandlers,
  registerShutdownHook,
  removeShutdownHandlers,
  startBroker,
  stopBroker,
  DUPLICATE_SIGNAL_WINDOW_MS,
} from '../../broker/runtime.js';
import { CLEAN_SHUTDOWN_FILE } from '../../broker/storage/file-log-store.js';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { apiVersions, metadata } from '../../broker/kafka/protocol/apis/index.js';
import { decodeResponse, encodeRequest, type Message } from '../../broker/kafka/protocol/index.js';
import { META_PROPERTIES_FILE } from '../../broker/kafka/kafka-server.js';

/** One request/response over a fresh connection; rejects when the broker is unreachable. */
async function kafkaCall(port: number, api: typeof apiVersions | typeof metadata, version: number, body: Message): Promise<Message> {
  const socket = connect({ host: '127.0.0.1', port });
  try {
    return await new Promise<Message>((resolve, reject) => {
      let buf = Buffer.alloc(0);
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          resolve(decodeResponse(api, version, buf.subarray(4, 4 + buf.readInt32BE(0))).body);
        }
      });
      socket.write(encodeRequest(api, version, 1, 'runtime-test', body));
    });
  } finally {
    socket.destroy();
  }
}

/** Keeps the broker's and store's JSON log lines out of the test output. */
const quiet = () => ({ logger: memoryLogger() });

let dataDir: string;
let config: BrokerConfig;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-runtime-'));
  // Port 0: every broker a test starts binds its own free port (tests run in parallel).
  config = loadBrokerConfig({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_PORT: '0' });
});

afterEach(async () => {
  removeShutdownHandlers();
  await stopBroker();
  await rm(dataDir, { recursive: true, force: true });
});

/** Files this process has open under `dir` (Linux: /proc/self/fd). */
function openFilesUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir + '/') || target === dir) open.push(target);
    } catch {
      // fd closed while we looked
    }
  }
  return open;
}

describe('startBroker', () => {
  it('is idempotent: a second call returns the same broker', async () => {
    const logger = memoryLogger();
    const first = await startBroker(config, { logger });
    const second = await startBroker(config, quiet());
    const third = await startBroker(); // no config: still the running broker, not a new one from env
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(getBroker()).toBe(first);
    expect(logger.entries.filter((e) => e.msg === 'broker started')).toHaveLength(1);
  });

  it('shares one start among concurrent callers', async () => {
    const [a, b, c] = await Promise.all([startBroker(config, quiet()), startBroker(config, quiet()), startBroker(config, quiet())]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('keeps the broker on globalThis, so every copy of the module sees it', async () => {
    const broker = await startBroker(config, quiet());
    const slot = (globalThis as Record<symbol, { broker?: unknown } | undefined>)[Symbol.for('sluice.broker.runtime')];
    expect(slot?.broker).toBe(broker);

    // A second, independent instance of the module (as Next.js bundles make) finds the same broker.
    vi.resetModules();
    const secondInstance = '../../broker/runtime.js?second-instance';
    const copy = (await import(/* @vite-ignore */ secondInstance)) as typeof import('../../broker/runtime.js');
    expect(copy.startBroker).not.toBe(startBroker);
    expect(copy.getBroker()).toBe(broker);
    expect(await copy.startBroker(config, quiet())).toBe(broker);
  });

  it('reports a full status while running', async () => {
    const before = Date.now();
    const broker = await startBroker(config, quiet());
    await broker.store.createTopic('orders', 3);
    await broker.store.append('orders', 0, await encodeBatch([{ value: 'hello' }]));
    const status = broker.status();
    expect(status).toMatchObject({
      state: 'running',
      dataDir,
      topics: 1,
      partitions: 3,
      flushPolicy: 'sync',
      flushIntervalMs: 1000,
      kafkaListener: { host: '127.0.0.1', port: broker.kafka!.address()!.port, advertisedHost: '127.0.0.1', enabled: true, listening: true },
      pid: process.pid,
      version: packageJson.version,
    });
    expect(status.bytesOnDisk).toBeGreaterThan(0);
    expect(status.startedAt).toBeGreaterThanOrEqual(before);
    expect(status.startedAt).toBe(broker.startedAt);
    expect(status.uptimeMs).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(broker.status().uptimeMs).toBeGreaterThan(status.uptimeMs);
    expect(JSON.parse(JSON.stringify(status))).toEqual(status); // plain JSON, as the API serves it
  });

  it.each([
    ['sync', 1],
    ['interval', 0],
  ] as const)('passes flush policy %s to the store', async (flushPolicy, fsyncsByAppend) => {
    const broker = await startBroker({ ...config, flushPolicy, flushIntervalMs: 100 }, quiet());
    await broker.store.createTopic('t', 1);
    const before = broker.store.stats().fsyncs;
    await broker.store.append('t', 0, await encodeBatch([{ value: 'x' }]));
    // sync: the append resolved after its fdatasync; interval: before it (the timer syncs later).
    expect(broker.store.stats().fsyncs - before).toBe(fsyncsByAppend);
    expect(broker.status()).toMatchObject({ flushPolicy, flushIntervalMs: 100 });
    if (flushPolicy === 'interval') {
      await vi.waitFor(() => expect(broker.store.stats().fsyncs).toBeGreaterThan(before), { timeout: 2000 });
    }
  });

  it('leaves nothing behind when the store cannot open, so a later start can succeed', async () => {
    const notADir = join(dataDir, 'file');
    writeFileSync(notADir, 'x');
    const logger = memoryLogger();
    await expect(startBroker({ ...config, dataDir: notADir }, { logger })).rejects.toThrow();
    expect(getBroker()).toBeUndefined();
    expect(logger.entries.some((e) => e.level === 'error' && e.msg === 'broker failed to start')).toBe(true);
    await expect(stopBroker()).resolves.toBeUndefined();

    const broker = await startBroker(config, quiet());
    expect(broker.state).toBe('running');
  });
});

describe('Kafka listener', () => {
  it('starts with the broker on the configured host, reports the bound port, and serves Metadata', async () => {
    const broker = await startBroker(config, quiet());
    const port = broker.status().kafkaListener.port;
    expect(port).toBeGreaterThan(0);
    expect(broker.status().kafkaListener).toMatchObject({ enabled: true, listening: true, host: '127.0.0.1' });
    const versions = (await kafkaCall(port, apiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })) as {
      errorCode: number;
      apiKeys: { apiKey: number }[];
    };
    expect(versions.errorCode).toBe(0);
    expect(versions.apiKeys.map((k) => k.apiKey)).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 32, 33, 36, 37, 42, 44, 47]);
    const meta = (await kafkaCall(port, metadata, 1, { topics: null })) as { brokers: { host: string; port: number }[]; controllerId: number };
    expect(meta.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port, rack: null }]);
    expect(meta.controllerId).toBe(0);
  });

  it('keeps one cluster id per data dir across restarts', async () => {
    let broker = await startBroker(config, quiet());
    const first = broker.kafka!.clusterId;
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(existsSync(join(dataDir, META_PROPERTIES_FILE))).toBe(true);
    await stopBroker();
    broker = await startBroker(config, quiet());
    expect(broker.kafka!.clusterId).toBe(first);
  });

  it('is closed by stopBroker before the store: the port refuses connections afterwards', async () => {
    const broker = await startBroker(config, quiet());
    const port = broker.status().kafkaListener.port;
    await stopBroker();
    expect(broker.status().kafkaListener.listening).toBe(false);
    await expect(kafkaCall(port, apiVersions, 0, {})).rejects.toThrow(/ECONNREFUSED/);
  });

  it('is not started with SLUICE_KAFKA_ENABLED=false', async () => {
    const off = loadBrokerConfig({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_ENABLED: 'false' });
    const broker = await startBroker(off, quiet());
    expect(broker.kafka).toBeNull();
    expect(broker.status().kafkaListener).toMatchObject({ enabled: false, listening: false, port: 9092 });
  });

  it('fails the start, naming the setting, when the port is taken; nothing is left open', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      const logger = memoryLogger();
      await expect(startBroker({ ...config, kafka: { ...config.kafka, port: taken } }, { logger })).rejects.toThrow(/SLUICE_KAFKA_PORT/);
      expect(getBroker()).toBeUndefined();
      expect(openFilesUnder(dataDir)).toEqual([]);
      const broker = await startBroker(config, quiet());
      expect(broker.state).toBe('running');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('stopBroker', () => {
  it('closes the store: status stopped, no files left open, clean-shutdown marker written', async () => {
    const broker = await startBroker(config, quiet());
    await broker.store.createTopic('events', 2);
    await broker.store.append('events', 1, await encodeBatch([{ value: 'a' }, { value: 'b' }]));
    expect(openFilesUnder(dataDir).length).toBeGreaterThan(0);
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(false);

    await stopBroker();

    expect(broker.state).toBe('stopped');
    const status = broker.status();
    expect(status.state).toBe('stopped');
    expect(status.topics).toBe(1); // last known figures survive the close
    const frozen = status.uptimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(broker.status().uptimeMs).toBe(frozen);
    expect(getBroker()).toBeUndefined();
    expect(openFilesUnder(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    await expect(broker.store.append('events', 0, await encodeBatch([{ value: 'late' }]))).rejects.toSatisfy((err) =>
      isSluiceError(err, 'STORE_CLOSED'),
    );
  });

  it('lets in-flight appends finish and makes them durable', async () => {
    const broker = await startBroker(config, quiet());
    await broker.store.createTopic('inflight', 1);
    const batches = await Promise.all(Array.from({ length: 20 }, (_, i) => encodeBatch([{ value: `m${i}` }])));
    const appends = batches.map((b) => broker.store.append('inflight', 0, b));
    const stopped = stopBroker();
    const results = await Promise.all(appends);
    await stopped;
    expect(results.map((r) => r.baseOffset)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    // A new broker on the same dir opens cleanly (no recovery) and has every message.
    const logger = memoryLogger();
    const again = await startBroker(config, { logger });
    expect(again).not.toBe(broker);
    expect(logger.entries.some((e) => e.msg.includes('no clean-shutdown marker'))).toBe(false);
    expect(again.store.offsets('inflight', 0).logEndOffset).toBe(20);
  });

  it('is idempotent and shared among concurrent callers', async () => {
    const broker = await startBroker(config, quiet());
    const a = stopBroker();
    const b = stopBroker();
    await Promise.all([a, b, stopBroker()]);
    expect(broker.state).toBe('stopped');
    await expect(stopBroker()).resolves.toBeUndefined();
  });

  it('waits for a start in progress, then stops it', async () => {
    const starting = startBroker(config, quiet());
    await stopBroker();
    const broker = await starting;
    expect(broker.state).toBe('stopped');
    expect(getBroker()).toBeUndefined();
  });

  it('a start during a stop waits for the stop and brings up a new broker', async () => {
    const first = await startBroker(config, quiet());
    const stopping = stopBroker();
    const second = await startBroker(config, quiet());
    await stopping;
    expect(second).not.toBe(first);
    expect(first.state).toBe('stopped');
    expect(second.state).toBe('running');
    expect(getBroker()).toBe(second);
  });
});

describe('installShutdownHandlers', () => {
  it('installs once: later calls change nothing', () => {
    const before = process.listenerCount('SIGTERM');
    expect(installShutdownHandlers({ exit: () => {}, logger: memoryLogger() })).toBe(true);
    expect(installShutdownHandlers({ exit: () => {}, logger: memoryLogger() })).toBe(false);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBeGreaterThanOrEqual(1);
    removeShutdownHandlers();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s stops the broker, runs the hooks, exits 0', async (signal) => {
    const broker = await startBroker(config, quiet());
    const order: string[] = [];
    registerShutdownHook('test-db', async () => {
      order.push(`hook (broker ${broker.state})`);
    });
    const exited = new Promise<number>((resolveExit) => {
      installShutdownHandlers({ exit: resolveExit, logger: memoryLogger() });
    });
    process.emit(signal, signal);
    expect(await exited).toBe(0);
    expect(order).toEqual(['hook (broker stopped)']);
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    registerShutdownHook('test-db', () => {});
  });

  it('exits 1 when a hook fails, after still stopping the broker', async () => {
    const broker = await startBroker(config, quiet());
    registerShutdownHook('test-db', () => {
      throw new Error('db refused to close');
    });
    const logger = memoryLogger();
    const exited = new Promise<number>((resolveExit) => {
      installShutdownHandlers({ exit: resolveExit, logger });
    });
    process.emit('SIGTERM', 'SIGTERM');
    expect(await exited).toBe(1);
    expect(broker.state).toBe('stopped');
    expect(logger.entries.some((e) => e.msg === 'shutdown hook failed' && e.fields?.hook === 'test-db')).toBe(true);
    registerShutdownHook('test-db', () => {});
  });

  it('ignores a relayed copy of the signal, and exits 1 at once on a real second signal', async () => {
    await startBroker(config, quiet());
    let releaseHook!: () => void;
    registerShutdownHook('test-db', () => new Promise<void>((r) => (releaseHook = r)));
    const codes: number[] = [];
    installShutdownHandlers({ exit: (code) => codes.push(code), logger: memoryLogger() });

    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT'); // same Ctrl-C, delivered twice (terminal + relay)
    await vi.waitFor(() => expect(releaseHook).toBeTypeOf('function'));
    expect(codes).toEqual([]);

    await new Promise((r) => setTimeout(r, DUPLICATE_SIGNAL_WINDOW_MS + 50));
    process.emit('SIGTERM', 'SIGTERM');
    expect(codes).toEqual([1]);

    releaseHook();
    await vi.waitFor(() => expect(codes).toEqual([1, 0]));
    registerShutdownHook('test-db', () => {});
  });
});
