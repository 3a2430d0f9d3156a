/**
 * A real broker for handler tests: a FileLogStore in a temp dir plus the Kafka server on
 * 127.0.0.1:0, and a minimal raw protocol client built on the codec layer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../../broker/logger.js';
import { KafkaServer, type KafkaServerOptions } from '../../../../broker/kafka/kafka-server.js';
import { decodeResponse, encodeRequest, type ApiDefinition, type ResponseOf } from '../../../../broker/kafka/protocol/index.js';
import { FileLogStore } from '../../../../broker/storage/file-log-store.js';

export interface TestBroker {
  dir: string;
  store: FileLogStore;
  server: KafkaServer;
  port: number;
  logger: ReturnType<typeof memoryLogger>;
  /** Closes the server, then the store, then removes the dir. */
  close(): Promise<void>;
}

export async function startTestBroker(options: Partial<Omit<KafkaServerOptions, 'store' | 'dataDir'>> = {}): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-'));
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir: dir, logger });
  await store.open();
  const server = new KafkaServer({ host: '127.0.0.1', port: 0, logger, ...options, store, dataDir: dir });
  const { port } = await server.start();
  return {
    dir,
    store,
    server,
    port,
    logger,
    async close() {
      await server.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface Pending {
  api: ApiDefinition;
  version: number;
  correlationId: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
}

/** Pipelining raw client: responses are matched to requests in order (and by correlation id). */
export class RawClient {
  private readonly socket: Socket;
  private buf = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  readonly closed: Promise<void>;
  isClosed = false;
  /** Correlation ids of every response frame received, in order. */
  readonly received: number[] = [];

  private constructor(port: number) {
    this.socket = connect({ host: '127.0.0.1', port });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', () => {
        this.isClosed = true;
        for (const p of this.pending.splice(0)) p.reject(new Error('connection closed'));
        resolve();
      }),
    );
    this.socket.on('error', () => undefined);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static async connect(port: number): Promise<RawClient> {
    const c = new RawClient(port);
    await new Promise<void>((resolve, reject) => {
      c.socket.once('connect', resolve);
      c.socket.once('error', reject);
    });
    return c;
  }

  /** Sends one request; resolves its decoded response body. */
  call<A extends ApiDefinition>(api: A, version: number, body: Record<string, unknown>): Promise<ResponseOf<A>> {
    const correlationId = this.nextCorrelationId++;
    return new Promise<ResponseOf<A>>((resolve, reject) => {
      this.pending.push({ api, version, correlationId, resolve: resolve as (b: unknown) => void, reject });
      this.socket.write(encodeRequest(api, version, correlationId, 'raw-test', body as never));
    });
  }

  /** Sends a request expecting no response (Produce acks=0). Returns its correlation id. */
  send<A extends ApiDefinition>(api: A, version: number, body: Record<string, unknown>): number {
    const correlationId = this.nextCorrelationId++;
    this.socket.write(encodeRequest(api, version, correlationId, 'raw-test', body as never));
    return correlationId;
  }

  /** Writes raw bytes (a complete frame with its size prefix). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next raw response frame (without size prefix), for requests sent with `write`. */
  rawResponses: Buffer[] = [];

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      const frame = this.buf.subarray(4, 4 + size);
      this.buf = this.buf.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      this.received.push(correlationId);
      const idx = this.pending.findIndex((p) => p.correlationId === correlationId);
      if (idx < 0) {
        this.rawResponses.push(Buffer.from(frame));
        continue;
      }
      const [p] = this.pending.splice(idx, 1);
      try {
        p!.resolve(decodeResponse(p!.api, p!.version, frame).body);
      } catch (err) {
        p!.reject(err as Error);
      }
    }
  }
}
