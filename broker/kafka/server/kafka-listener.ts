/**
 * The Kafka TCP listener: accepts connections and runs each as a `KafkaConnection` (framing,
 * pipelined in-order responses, flow control). What a request means is the handler's business.
 *
 *     const listener = new KafkaListener({ host: '127.0.0.1', port: 9092, logger, handler });
 *     const { port } = await listener.start();
 *     ...
 *     await listener.close(); // stop accepting, answer what is in flight, then drop the rest
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createLogger, type Logger } from '../../logger.js';
import { kafkaConnectionClosed, kafkaConnectionOpened } from '../../metrics/kafka.js';
import { KafkaConnection } from './connection.js';
import { MIN_FRAME_BYTES } from './frame-reader.js';
import type { ConnectionInfo, RawTokenHandler, RequestHandler } from './types.js';

export interface KafkaListenerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks an ephemeral port; `start()` resolves the one bound. Default 9092. */
  port?: number;
  /** Largest request accepted, like Kafka's socket.request.max.bytes. Default 100 MiB. */
  maxRequestBytes?: number;
  /** Largest request before a handler reports the connection authenticated (Kafka's
   * sasl.server.max.receive.size, 512 KiB, when SASL is on). Default: no separate limit. */
  unauthenticatedMaxRequestBytes?: number;
  /** Connections without traffic for this long are closed, like connections.max.idle.ms. Default 10 min; 0 disables. */
  idleTimeoutMs?: number;
  /** Unanswered requests per connection before the listener stops reading from it. Default 100. */
  maxInFlightPerConnection?: number;
  /** How long `close()` waits for in-flight responses before destroying sockets. Default 5 s. */
  closeTimeoutMs?: number;
  logger?: Logger;
  handler: RequestHandler;
  /** Raw SASL token frames (after a handler switched the connection to `sasl-raw` framing). */
  rawTokenHandler?: RawTokenHandler;
}

export const DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024;
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const DEFAULT_MAX_IN_FLIGHT = 100;
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

type State = 'new' | 'starting' | 'listening' | 'closing' | 'closed';

export class KafkaListener {
  private readonly host: string;
  private readonly port: number;
  private readonly maxRequestBytes: number;
  private readonly unauthenticatedMaxRequestBytes: number | undefined;
  private readonly idleTimeoutMs: number;
  private readonly maxInFlight: number;
  private readonly closeTimeoutMs: number;
  private readonly logger: Logger;
  private readonly handler: RequestHandler;
  private readonly rawTokenHandler: RawTokenHandler | undefined;

  private server: Server | null = null;
  private state: State = 'new';
  private bound: { host: string; port: number } | null = null;
  private nextId = 1;
  private readonly live = new Map<number, KafkaConnection>();
  private closing: Promise<void> | null = null;
  private starting: Promise<unknown> | null = null;

  constructor(options: KafkaListenerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port ?? 9092;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.unauthenticatedMaxRequestBytes = options.unauthenticatedMaxRequestBytes;
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT;
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    this.logger = options.logger ?? createLogger('kafka-listener');
    this.handler = options.handler;
    this.rawTokenHandler = options.rawTokenHandler;
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) throw new RangeError(`invalid port ${this.port}`);
    if (!Number.isInteger(this.maxRequestBytes) || this.maxRequestBytes < MIN_FRAME_BYTES || this.maxRequestBytes > 0x7fffffff) {
      throw new RangeError(`maxRequestBytes must be an integer in [${MIN_FRAME_BYTES}, 2^31-1], got ${this.maxRequestBytes}`);
    }
    if (!(this.idleTimeoutMs >= 0)) throw new RangeError(`idleTimeoutMs must be >= 0, got ${this.idleTimeoutMs}`);
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new RangeError(`maxInFlightPerConnection must be an integer >= 1, got ${this.maxInFlight}`);
    if (typeof this.handler !== 'function') throw new TypeError('handler must be a function');
  }

  /** Binds and starts accepting. Resolves the bound address (the real port when `port` was 0). */
  start(): Promise<{ host: string; port: number }> {
    if (this.state !== 'new') return Promise.reject(new Error(`KafkaListener.start() called in state ${this.state}`));
    this.state = 'starting';
    const started = this.doStart();
    this.starting = started.catch(() => undefined);
    return started;
  }

  private async doStart(): Promise<{ host: string; port: number }> {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: this.host, port: this.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.state = 'closed';
      this.server = null;
      throw err;
    }
    server.on('error', (err) => this.logger.error('kafka listener error', { error: err.message }));
    const address = server.address() as AddressInfo;
    this.bound = { host: address.address, port: address.port };
    this.state = 'listening';
    this.logger.info('kafka listener started', { host: this.bound.host, port: this.bound.port, maxRequestBytes: this.maxRequestBytes });
    return { ...this.bound };
  }

  /** The bound address, or null before `start()` resolves. */
  address(): { host: string; port: number } | null {
    return this.bound ? { ...this.bound } : null;
  }

  /** Number of open client connections. */
  connections(): number {
    return this.live.size;
  }

  /** A snapshot of every open connection, for the console. */
  connectionInfos(): ConnectionInfo[] {
    return [...this.live.values()].map((c) => ({ ...c.info }));
  }

  /**
   * Stops accepting, lets dispatched requests finish and their responses flush, then ends each
   * connection. Whatever is still open after `closeTimeoutMs` is destroyed. Idempotent.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    if (this.starting) await this.starting;
    const server = this.server;
    if (!server || this.state !== 'listening') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.live.values()) connection.shutdown();
    const drained = Promise.all([...this.live.values()].map((c) => c.closed));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      drained.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), this.closeTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.logger.warn('kafka listener close timed out; destroying remaining connections', { connections: this.live.size, closeTimeoutMs: this.closeTimeoutMs });
      for (const connection of this.live.values()) connection.destroy();
    }
    await serverClosed;
    this.state = 'closed';
    this.server = null;
    this.logger.info('kafka listener closed', {});
  }

  private accept(socket: Socket): void {
    if (this.state !== 'listening') {
      socket.destroy();
      return;
    }
    const connection = new KafkaConnection({
      id: this.nextId++,
      socket,
      handler: this.handler,
      rawTokenHandler: this.rawTokenHandler,
      logger: this.logger,
      maxRequestBytes: this.maxRequestBytes,
      unauthenticatedMaxRequestBytes: this.unauthenticatedMaxRequestBytes,
      maxInFlight: this.maxInFlight,
      idleTimeoutMs: this.idleTimeoutMs,
      onClose: (c) => {
        this.live.delete(c.info.id);
        kafkaConnectionClosed();
        this.logger.debug('connection closed', { connection: c.info.id, remote: c.remote, requests: c.info.requests, bytesIn: c.info.bytesIn, bytesOut: c.info.bytesOut });
      },
    });
    this.live.set(connection.info.id, connection);
    kafkaConnectionOpened();
    this.logger.debug('connection accepted', { connection: connection.info.id, remote: connection.remote });
  }
}

export type { ConnectionControl, ConnectionInfo, Framing, KafkaRequest, RawTokenHandler, RawTokenRequest, RequestHandler, RequestHeaderPrefix } from './types.js';
