/**
 * The process-wide broker.
 *
 * There is one broker per process. Next.js may evaluate this module more than once (the
 * instrumentation bundle and each route bundle get their own module instances, and dev reloads
 * re-evaluate them), so the broker lives on `globalThis` under a `Symbol.for` key: every copy of
 * this module sees the same slot, and so the same broker and the same store (two stores on one
 * data dir would corrupt it).
 *
 * Lifecycle (each arrow is one method of `RunningBroker`, see there):
 *
 *     starting ──opened()──▶ running ──beginStop()──▶ stopping ──closed()──▶ stopped
 *         └──────────────────failedToStart()─────────────────────────────────────▲
 *
 * Nothing here imports Next, React or Prisma: `npm run broker` runs this without them.
 */
import { ensureDir } from './ensure-dir.js';
import { SluiceError } from './errors.js';
import packageJson from '../package.json' with { type: 'json' };
import { loadBrokerConfig, type BrokerConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { KafkaServer } from './kafka/kafka-server.js';
import { startQueues, type QueueEngine } from './queues/index.js';
import { FileLogStore } from './storage/file-log-store.js';
import type { FlushPolicy, LogStore, StoreStats } from './storage/types.js';

export type BrokerState = 'starting' | 'running' | 'stopping' | 'stopped';

export interface BrokerStatus {
  state: BrokerState;
  /** Epoch ms when the broker began starting. */
  startedAt: number;
  /** Time since `startedAt`; frozen once stopped. */
  uptimeMs: number;
  dataDir: string;
  topics: number;
  partitions: number;
  bytesOnDisk: number;
  flushPolicy: FlushPolicy;
  flushIntervalMs: number;
  /** `enabled`: SLUICE_KAFKA_ENABLED. `listening`: bound and accepting; `port` is then the bound
   * port (the real one when SLUICE_KAFKA_PORT=0), else the configured one. */
  kafkaListener: { host: string; port: number; advertisedHost: string; enabled: boolean; listening: boolean; connections: number };
  pid: number;
  version: string;
}

export interface Broker {
  readonly startedAt: number;
  readonly config: BrokerConfig;
  readonly store: LogStore;
  readonly state: BrokerState;
  /** The Kafka protocol server, while it runs (null when disabled or not yet started). */
  readonly kafka: KafkaServer | null;
  /** The queue layer (reliable-delivery subscriptions), while the broker runs. */
  readonly queues: QueueEngine | null;
  status(): BrokerStatus;
}

export interface StartBrokerOptions {
  /** Builds the store; tests pass a stub. Defaults to a `FileLogStore` on `config.dataDir`. */
  createStore?: (config: BrokerConfig, logger: Logger) => LogStore;
  /** Used by both the broker and its store; defaults to JSON lines on stdout/stderr. */
  logger?: Logger;
}

/** Runs during shutdown after the broker has stopped (e.g. closing the metadata DB). */
export type ShutdownHook = () => void | Promise<void>;

interface RuntimeSlot {
  /** Set from the first `startBroker` call until the broker it started has stopped. */
  starting?: Promise<RunningBroker>;
  /** The broker, once constructed; cleared when it has stopped. */
  broker?: RunningBroker;
  stopping?: Promise<void>;
  shutdownHooks: Map<string, ShutdownHook>;
  /** The SIGINT/SIGTERM listener, while installed. */
  signalHandler?: (signal: NodeJS.Signals) => void;
}

const SLOT_KEY = Symbol.for('sluice.broker.runtime');

function slot(): RuntimeSlot {
  const g = globalThis as typeof globalThis & { [SLOT_KEY]?: RuntimeSlot };
  return (g[SLOT_KEY] ??= { shutdownHooks: new Map() });
}

/** Listen errors that are a configuration problem, with the words an operator needs. */
const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine',
};

const ZERO_STATS: StoreStats = { topics: 0, partitions: 0, bytesOnDisk: 0, fsyncs: 0, appends: 0, openSegmentFiles: 0, openSegmentFilesLimit: 0 };

class RunningBroker implements Broker {
  readonly startedAt = Date.now();
  #state: BrokerState = 'starting';
  #stoppedAt: number | undefined;
  /** Last stats read from the store; served while the store cannot answer (starting, closed). */
  #lastStats: StoreStats = ZERO_STATS;
  #kafka: KafkaServer | null = null;
  #queues: QueueEngine | null = null;

  constructor(
    readonly config: BrokerConfig,
    readonly store: LogStore,
    private readonly log: Logger,
    private readonly kafkaLogger: Logger,
  ) {}

  get state(): BrokerState {
    return this.#state;
  }

  get kafka(): KafkaServer | null {
    return this.#kafka;
  }

  get queues(): QueueEngine | null {
    return this.#queues;
  }

  status(): BrokerStatus {
    const stats = this.#stats();
    return {
      state: this.#state,
      startedAt: this.startedAt,
      uptimeMs: (this.#stoppedAt ?? Date.now()) - this.startedAt,
      dataDir: this.config.dataDir,
      topics: stats.topics,
      partitions: stats.partitions,
      bytesOnDisk: stats.bytesOnDisk,
      flushPolicy: this.config.flushPolicy,
      flushIntervalMs: this.config.flushIntervalMs,
      kafkaListener: this.#kafkaStatus(),
      pid: process.pid,
      version: packageJson.version,
    };
  }

  #kafkaStatus(): BrokerStatus['kafkaListener'] {
    const { kafka } = this.config;
    const bound = this.#kafka?.address() ?? null;
    return {
      host: kafka.host,
      port: bound?.port ?? kafka.port,
      advertisedHost: kafka.advertisedHost,
      enabled: kafka.enabled,
      listening: bound !== null && this.#state === 'running',
      connections: bound ? this.#kafka!.connections() : 0,
    };
  }

  /** Opens the store (recovering every partition), starts the Kafka listener unless disabled,
   * and enters `running`. A listener that cannot bind fails the start (the store is closed again). */
  async start(): Promise<void> {
    try {
      await prepareDataDir(this.config.dataDir);
      await this.store.open();
    } catch (err) {
      this.failedToStart(err);
      throw err;
    }
    try {
      // Replays the queue state journal; before the listener, so no client sees a half-loaded queue.
      this.#queues = await startQueues(this.store);
    } catch (err) {
      await this.store.close().catch(() => undefined);
      this.failedToStart(err);
      throw err;
    }
    if (this.config.kafka.enabled) {
      const { kafka } = this.config;
      const server = new KafkaServer({
        store: this.store,
        dataDir: this.config.dataDir,
        host: kafka.host,
        port: kafka.port,
        advertisedHost: kafka.advertisedHost,
        autoCreateTopics: kafka.autoCreateTopics,
        defaultPartitions: kafka.defaultPartitions,
        sasl: kafka.sasl,
        logger: this.kafkaLogger,
      });
      try {
        await server.start();
      } catch (err) {
        await server.close().catch(() => undefined);
        await this.#queues?.close().catch(() => undefined);
        this.#queues = null;
        await this.store.close().catch(() => undefined);
        const why = BIND_ERRORS[(err as NodeJS.ErrnoException).code ?? ''];
        const wrapped = why
          ? new SluiceError(
              'INVALID_CONFIG',
              `Kafka listener cannot bind ${kafka.host}:${kafka.port}: ${why}. Set SLUICE_KAFKA_HOST / SLUICE_KAFKA_PORT (0 picks a free port), or SLUICE_KAFKA_ENABLED=false.`,
            )
          : err;
        this.failedToStart(wrapped);
        throw wrapped;
      }
      this.#kafka = server;
    }
    this.opened();
  }

  /** Enters `stopping`, closes the Kafka listener (long polls answer, in-flight requests finish),
   * then the queue layer, then closes the store (in-flight appends finish and are flushed, files are closed, the
   * clean-shutdown marker is written) and enters `stopped`. */
  async stop(): Promise<void> {
    this.beginStop();
    try {
      if (this.#kafka) {
        try {
          await this.#kafka.close();
        } catch (err) {
          this.log.error('kafka listener did not close cleanly', { error: String(err) });
        }
      }
      if (this.#queues) {
        try {
          // Waits for queue state writes and snapshots the state, while the store is still open.
          await this.#queues.close();
        } catch (err) {
          this.log.error('queue layer did not close cleanly', { error: String(err) });
        }
      }
      await this.store.close();
    } finally {
      this.#kafka = null;
      this.closed();
    }
  }

  /** starting → running: the store is open and recovered. */
  private opened(): void {
    this.#enter('running', 'starting');
    const s = this.#stats();
    this.log.info('broker started', {
      dataDir: this.config.dataDir,
      flushPolicy: this.config.flushPolicy,
      flushIntervalMs: this.config.flushIntervalMs,
      topics: s.topics,
      partitions: s.partitions,
      bytesOnDisk: s.bytesOnDisk,
      kafkaListener: this.#kafka ? `${this.config.kafka.host}:${this.#kafka.address()?.port}` : 'disabled',
      startupMs: Date.now() - this.startedAt,
      pid: process.pid,
    });
  }

  /** starting → stopped: opening the store failed; nothing is left open. */
  private failedToStart(err: unknown): void {
    this.#stoppedAt = Date.now();
    this.#enter('stopped', 'starting');
    this.log.error('broker failed to start', { dataDir: this.config.dataDir, error: String(err) });
  }

  /** running → stopping: no new work should be handed to the store from here on. */
  private beginStop(): void {
    this.#enter('stopping', 'running');
    this.log.info('broker stopping', { dataDir: this.config.dataDir });
  }

  /** stopping → stopped: the store has closed (or failed to; either way it is done). */
  private closed(): void {
    this.#stats(); // keep the last figures for status() after close
    this.#stoppedAt = Date.now();
    this.#enter('stopped', 'stopping');
    this.log.info('broker stopped', { dataDir: this.config.dataDir, uptimeMs: this.#stoppedAt - this.startedAt });
  }

  #enter(to: BrokerState, from: BrokerState): void {
    if (this.#state !== from) throw new Error(`broker state ${this.#state} → ${to}: expected to be ${from}`);
    this.#state = to;
  }

  #stats(): StoreStats {
    if (this.#state === 'running' || this.#state === 'stopping') {
      try {
        this.#lastStats = this.store.stats();
      } catch {
        // A closing store may refuse; the last figures are still the truth for a status page.
      }
    }
    return this.#lastStats;
  }
}

function defaultStore(config: BrokerConfig, logger: Logger): LogStore {
  return new FileLogStore({
    dataDir: config.dataDir,
    flushPolicy: config.flushPolicy,
    flushIntervalMs: config.flushIntervalMs,
    maxOpenSegmentFiles: config.maxOpenSegmentFiles,
    logger,
  });
}

/**
 * Starts the process's broker, or returns the one already started (or starting: concurrent
 * callers share one start). `config` defaults to the environment (`loadBrokerConfig`) and is
 * ignored when a broker already exists. If a stop is in progress, waits for it and starts anew.
 * A failed start leaves nothing behind, so a later call can retry.
 */
export async function startBroker(config?: BrokerConfig, options: StartBrokerOptions = {}): Promise<Broker> {
  const s = slot();
  // A failed stop is reported to whoever asked for the stop; it does not prevent a new start.
  while (s.stopping) await s.stopping.catch(() => undefined);
  if (s.starting) return s.starting;

  const resolved = config ?? loadBrokerConfig();
  const log = options.logger ?? createLogger('broker');
  const store = (options.createStore ?? defaultStore)(resolved, options.logger ?? createLogger('storage'));
  const broker = new RunningBroker(resolved, store, log, options.logger ?? createLogger('kafka'));
  s.broker = broker;
  const starting = broker.start().then(
    () => broker,
    (err: unknown) => {
      if (s.broker === broker) s.broker = undefined;
      if (s.starting === starting) s.starting = undefined;
      throw err;
    },
  );
  s.starting = starting;
  return starting;
}

/** The broker once it is running, and while it stops; undefined before it has started and
 * after it has stopped. */
export function getBroker(): Broker | undefined {
  const b = slot().broker;
  return b && (b.state === 'running' || b.state === 'stopping') ? b : undefined;
}

/** Stops the broker if there is one (waiting for a start in progress first). Idempotent;
 * concurrent callers share one stop. */
export async function stopBroker(): Promise<void> {
  const s = slot();
  if (s.stopping) return s.stopping;
  if (!s.starting) return;
  const starting = s.starting;
  const stopping = (async () => {
    let broker: RunningBroker;
    try {
      broker = await starting;
    } catch {
      return; // the start failed and cleaned up after itself
    }
    try {
      await broker.stop();
    } finally {
      if (s.broker === broker) s.broker = undefined;
      if (s.starting === starting) s.starting = undefined;
    }
  })().finally(() => {
    s.stopping = undefined;
  });
  s.stopping = stopping;
  return stopping;
}

/** Registers (or replaces, by name) work to run on signal-driven shutdown after the broker has
 * stopped, such as closing the metadata DB. Hooks run in registration order. */
export function registerShutdownHook(name: string, hook: ShutdownHook): void {
  slot().shutdownHooks.set(name, hook);
}

export interface ShutdownHandlerOptions {
  /** Defaults to `process.exit`; tests replace it. */
  exit?: (code: number) => void;
  /** Give up and exit 1 if a clean shutdown takes longer than this. */
  timeoutMs?: number;
  logger?: Logger;
}

export const SHUTDOWN_TIMEOUT_MS = 30_000;
/** A terminal's Ctrl-C reaches every process in the foreground group, and npm, tsx and
 * scripts/start.ts relay it as well: copies arriving this soon after the first are one request. */
export const DUPLICATE_SIGNAL_WINDOW_MS = 500;

/**
 * Installs SIGINT/SIGTERM handlers, once per process (later calls return false and change
 * nothing). The first signal stops the broker, runs the shutdown hooks and exits 0 (1 if any of
 * that failed or took longer than `timeoutMs`); a second signal exits 1 at once, unless it came
 * within `DUPLICATE_SIGNAL_WINDOW_MS` of the first (then it is a relayed copy and is ignored).
 *
 * Inside `next start`, Next.js installs its own handlers that exit 143/130 as soon as the HTTP
 * server is closed, racing this one; `scripts/start.ts` sets `NEXT_MANUAL_SIG_HANDLE=1` so that
 * this handler alone decides when the process exits.
 */
export function installShutdownHandlers(options: ShutdownHandlerOptions = {}): boolean {
  const s = slot();
  if (s.signalHandler) return false;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.logger ?? createLogger('shutdown');
  const timeoutMs = options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS;
  let firstSignalAt: number | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) {
        log.debug('repeated signal ignored (same stop request)', { signal });
        return;
      }
      log.warn('second signal during shutdown, exiting now', { signal });
      exit(1);
      return;
    }
    firstSignalAt = Date.now();
    log.info('shutting down', { signal });
    const watchdog = setTimeout(() => {
      log.error('shutdown timed out, exiting', { timeoutMs });
      exit(1);
    }, timeoutMs);
    watchdog.unref();
    void (async () => {
      let code = 0;
      try {
        await stopBroker();
      } catch (err) {
        code = 1;
        log.error('broker did not stop cleanly', { error: String(err) });
      }
      for (const [name, hook] of s.shutdownHooks) {
        try {
          await hook();
        } catch (err) {
          code = 1;
          log.error('shutdown hook failed', { hook: name, error: String(err) });
        }
      }
      clearTimeout(watchdog);
      log.info('shutdown complete', { exitCode: code });
      exit(code);
    })();
  };
  s.signalHandler = onSignal;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return true;
}

/** Removes what `installShutdownHandlers` installed (tests; a process normally keeps them). */
export function removeShutdownHandlers(): void {
  const s = slot();
  if (!s.signalHandler) return;
  process.off('SIGINT', s.signalHandler);
  process.off('SIGTERM', s.signalHandler);
  s.signalHandler = undefined;
}

/** Creates the data directory, or fails with a message naming the setting and the fix. The web
 * server calls it before migrating the metadata database, which lives in the same directory. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await ensureDir(dataDir).catch((err: unknown) => {
    throw new SluiceError(
      'INVALID_CONFIG',
      `SLUICE_DATA_DIR=${dataDir} cannot be used: ${(err as Error).message}. Set SLUICE_DATA_DIR to a directory this user can create and write.`,
    );
  });
}
