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
import { createDispatcher } from './dispatcher.js';
import type { KafkaBrokerContext } from './handlers/types.js';
import { ProducerIdAllocator } from './producers/producer-ids.js';
import { ProducerStateManager, type UnknownProducerPolicy } from './producers/producer-state.js';
import { KafkaListener, type KafkaListenerOptions } from './server/kafka-listener.js';

export const META_PROPERTIES_FILE = 'meta.properties';
export const NODE_ID = 0;

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
  listener?: Omit<KafkaListenerOptions, 'host' | 'port' | 'logger' | 'handler'>;
}

export class KafkaServer {
  private readonly listener: KafkaListener;
  private readonly logger: Logger;
  private context: KafkaBrokerContext | null = null;
  private resolveShutdown!: () => void;
  private readonly shuttingDown = new Promise<void>((resolve) => (this.resolveShutdown = resolve));
  private handler: ReturnType<typeof createDispatcher> | null = null;
  private closing: Promise<void> | null = null;
  private coordinator: GroupCoordinator | null = null;

  constructor(private readonly options: KafkaServerOptions) {
    this.logger = options.logger ?? createLogger('kafka');
    this.listener = new KafkaListener({
      ...options.listener,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 9092,
      logger: this.logger,
      handler: (request) => {
        if (!this.handler) throw new Error('kafka server is not started');
        return this.handler(request);
      },
    });
  }

  /** Reads (or creates) the cluster id, binds, and starts serving. Resolves the bound address. */
  async start(): Promise<{ host: string; port: number }> {
    const clusterId = await loadOrCreateClusterId(this.options.dataDir);
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
    };
    this.handler = createDispatcher(this.context);
    this.logger.info('kafka server started', {
      host: bound.host,
      port: bound.port,
      advertised: `${this.context.advertisedHost}:${bound.port}`,
      clusterId,
    });
    return bound;
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
