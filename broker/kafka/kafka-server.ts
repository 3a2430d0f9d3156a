/**
 * The Kafka protocol server: the TCP listener, the dispatcher and the broker context handlers
 * share (cluster id, advertised address, auto-creation settings, shutdown signal).
 *
 *     const server = new KafkaServer({ store, dataDir, host: '127.0.0.1', port: 0, logger });
 *     const { port } = await server.start();
 *     ...
 *     await server.close(); // long polls answer early, in-flight responses flush, sockets close
 *
 * The cluster id is generated once per data dir and kept in `<dataDir>/meta.properties`, in the
 * format Kafka's own `meta.properties` uses (`cluster.id=<22-char base64url uuid>`).
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GroupCoordinator, LogStoreOffsetLog, type GroupCoordinatorConfig, type OffsetLog, type OffsetLogRecord } from '../groups/index.js';
import { createLogger, type Logger } from '../logger.js';
import type { LogStore } from '../storage/types.js';
import { createDispatcher, createRawTokenHandler } from './dispatcher.js';
import type { KafkaBrokerContext } from './handlers/types.js';
import { ProducerIdAllocator } from './producers/producer-ids.js';
import { ProducerStateManager, type UnknownProducerPolicy } from './producers/producer-state.js';
import { CredentialStore } from './sasl/credential-store.js';
import type { SaslMechanism } from './sasl/mechanisms.js';
import { SaslService } from './sasl/service.js';
import { KafkaListener, type KafkaListenerOptions } from './server/kafka-listener.js';

export const META_PROPERTIES_FILE = 'meta.properties';
export const NODE_ID = 0;
/** Kafka's default sasl.server.max.receive.size. */
export const SASL_MAX_RECEIVE_BYTES = 512 * 1024;

export interface KafkaServerOptions {
  store: LogStore;
  /** Where meta.properties (cluster id) lives; normally the store's data dir. */
  dataDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 binds any free port. Default 9092. */
  port?: number;
  /** Host put in Metadata; default the bind host. The advertised port is the bound port. */
  advertisedHost?: string;
  /** Default true. */
  autoCreateTopics?: boolean;
  /** Default 1. */
  defaultPartitions?: number;
  logger?: Logger;
  /** Consumer-group coordinator settings (group.initial.rebalance.delay.ms etc.). */
  groups?: Partial<GroupCoordinatorConfig>;
  /** Idempotent producers: what an unknown producer id may send (default 'accept', as Kafka 2.5+). */
  unknownProducer?: UnknownProducerPolicy;
  /** Passed to the listener (timeouts, limits). */
  listener?: Omit<KafkaListenerOptions, 'host' | 'port' | 'logger' | 'handler' | 'rawTokenHandler'>;
  /** SASL (SLUICE_KAFKA_SASL_MECHANISMS / SLUICE_KAFKA_SASL_USERS): no mechanisms = off. Users are
   * written to the data dir's credential store at start unless their password already verifies. */
  sasl?: { mechanisms: readonly SaslMechanism[]; users?: readonly { user: string; password: string }[] };
}

export class KafkaServer {
  private readonly listener: KafkaListener;
  private readonly logger: Logger;
  private context: KafkaBrokerContext | null = null;
  private resolveShutdown!: () => void;
  private readonly shuttingDown = new Promise<void>((resolve) => (this.resolveShutdown = resolve));
  private handler: ReturnType<typeof createDispatcher> | null = null;
  private rawTokenHandler: ReturnType<typeof createRawTokenHandler> | null = null;
  private closing: Promise<void> | null = null;
  private coordinator: GroupCoordinator | null = null;

  constructor(private readonly options: KafkaServerOptions) {
    this.logger = options.logger ?? createLogger('kafka');
    this.listener = new KafkaListener({
      // Before authentication only small SASL messages are legitimate (Kafka: sasl.server.max.receive.size).
      unauthenticatedMaxRequestBytes: options.sasl?.mechanisms.length ? SASL_MAX_RECEIVE_BYTES : undefined,
      ...options.listener,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 9092,
      logger: this.logger,
      handler: (request) => {
        if (!this.handler) throw new Error('kafka server is not started');
        return this.handler(request);
      },
      rawTokenHandler: (request) => {
        if (!this.rawTokenHandler) throw new Error('kafka server is not started');
        return this.rawTokenHandler(request);
      },
    });
  }

  /** Reads (or creates) the cluster id, binds, and starts serving. Resolves the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    const clusterId = await loadOrCreateClusterId(this.options.dataDir);
    const sasl = await this.openSasl();
    const groups = new GroupCoordinator({ offsetLog: lazyOffsetLog(this.options.store), config: this.options.groups, logger: this.logger });
    await groups.start(); // creates __consumer_offsets when missing and replays it
    this.coordinator = groups;
    const bound = await this.listener.start();
    const host = this.options.host ?? '127.0.0.1';
    this.context = {
      store: this.options.store,
      logger: this.logger,
      nodeId: NODE_ID,
      clusterId,
      advertisedHost: this.options.advertisedHost ?? host,
      advertisedPort: bound.port,
      autoCreateTopics: this.options.autoCreateTopics ?? true,
      defaultPartitions: this.options.defaultPartitions ?? 1,
      shuttingDown: this.shuttingDown,
      groups,
      producers: new ProducerStateManager(this.options.store, this.options.unknownProducer),
      producerIds: new ProducerIdAllocator(this.options.dataDir),
      sasl,
    };
    this.handler = createDispatcher(this.context);
    this.rawTokenHandler = createRawTokenHandler(this.context);
    this.logger.info('kafka server started', {
      host: bound.host,
      port: bound.port,
      advertised: `${this.context.advertisedHost}:${bound.port}`,
      clusterId,
    });
    return bound;
  }

  /** The SASL service; credentials are loaded (and bootstrap users written) only when enabled. */
  private async openSasl(): Promise<SaslService> {
    const mechanisms = this.options.sasl?.mechanisms ?? [];
    if (mechanisms.length === 0) return new SaslService([], null, this.logger);
    const credentials = await CredentialStore.open(this.options.dataDir);
    for (const { user, password } of this.options.sasl?.users ?? []) {
      const outcome = await credentials.ensureUser(user, password);
      if (outcome !== 'unchanged') this.logger.info(`SASL user ${outcome} from configuration`, { user });
    }
    const users = credentials.listUsers().length;
    this.logger.info('SASL enabled', { mechanisms, users, credentials: credentials.path });
    if (users === 0) this.logger.warn('SASL is enabled but no user exists: every client will fail to authenticate (add one with broker/kafka/sasl/cli.ts)', {});
    return new SaslService(mechanisms, credentials, this.logger);
  }

  /** The bound address, or null before start() resolves. */
  address(): { host: string; port: number } | null {
    return this.listener.address();
  }

  get clusterId(): string | undefined {
    return this.context?.clusterId;
  }

  connections(): number {
    return this.listener.connections();
  }

  /** The consumer-group coordinator, or null before start(). */
  get groups(): GroupCoordinator | null {
    return this.coordinator;
  }

  /** Long polls answer at once (parked JoinGroup/SyncGroup with NOT_COORDINATOR), then the
   * listener closes (in-flight responses flush). Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.resolveShutdown();
      this.coordinator?.shutdown();
      this.closing = this.listener.close();
    }
    return this.closing;
  }
}

/**
 * `__consumer_offsets` in the store, created on the first write rather than at start (as Kafka
 * creates it on first use): a broker nobody used for groups has no internal topic to show.
 */
function lazyOffsetLog(store: LogStore): OffsetLog {
  const log = new LogStoreOffsetLog(store);
  return {
    append: (records: OffsetLogRecord[]) => log.append(records),
    async *readAll() {
      if (!store.getTopic(log.topic)) return;
      yield* log.readAll();
    },
  };
}

/** The data dir's cluster id, generated and written (atomically) on first use. */
export async function loadOrCreateClusterId(dataDir: string): Promise<string> {
  const file = join(dataDir, META_PROPERTIES_FILE);
  try {
    const text = await readFile(file, 'utf8');
    const match = /^cluster\.id=(.+)$/m.exec(text);
    if (match && match[1]!.trim() !== '') return match[1]!.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const clusterId = Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `# Written by Sluice at first start; do not edit.\nversion=1\nnode.id=${NODE_ID}\ncluster.id=${clusterId}\n`);
  await rename(tmp, file);
  return clusterId;
}
