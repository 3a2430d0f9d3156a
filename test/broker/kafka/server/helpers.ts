import { connect, type Socket } from 'node:net';
import { memoryLogger } from '../../../../broker/logger.js';
import { KafkaListener, type KafkaListenerOptions } from '../../../../broker/kafka/server/kafka-listener.js';

export type MemoryLogger = ReturnType<typeof memoryLogger>;

/** A request frame WITH its size prefix: header v1 (apiKey, apiVersion, correlationId, clientId) + body. */
export function requestFrame(correlationId: number, opts: { apiKey?: number; apiVersion?: number; clientId?: string | null; body?: Buffer } = {}): Buffer {
  const clientId = opts.clientId === undefined ? 'test' : opts.clientId;
  const id = clientId === null ? null : Buffer.from(clientId, 'utf8');
  const body = opts.body ?? Buffer.alloc(0);
  const header = Buffer.alloc(10);
  header.writeInt16BE(opts.apiKey ?? 18, 0);
  header.writeInt16BE(opts.apiVersion ?? 0, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(id ? id.length : -1, 8);
  const payload = Buffer.concat([header, id ?? Buffer.alloc(0), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length, 0);
  return Buffer.concat([size, payload]);
}

/** A response body: int32 correlationId followed by `extra`. */
export function responseBody(correlationId: number, extra: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(4 + extra.length);
  b.writeInt32BE(correlationId, 0);
  extra.copy(b, 4);
  return b;
}

export interface TestClient {
  socket: Socket;
  /** Response frames (without size prefix) in arrival order. */
  responses: Buffer[];
  closed: Promise<void>;
  isClosed(): boolean;
  send(data: Buffer): void;
  /** Waits until at least n responses arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Buffer[]>;
  correlationIds(): number[];
}

/** A plain TCP client with its own (independent, concat-based) response parser. */
export async function connectClient(port: number, opts: { paused?: boolean; keepBytes?: number } = {}): Promise<TestClient> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const responses: Buffer[] = [];
  // Chunks not yet parsed; concatenated only once a whole frame is there (linear in bytes).
  let chunks: Buffer[] = [];
  let buffered = 0;
  let closed = false;
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  const keep = opts.keepBytes ?? Infinity;
  if (opts.paused) socket.pause();
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (buffered < 4) break;
      if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks)];
      const size = chunks[0]!.readInt32BE(0);
      if (buffered < 4 + size) break;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      responses.push(Buffer.from(all.subarray(4, 4 + Math.min(size, keep))));
      const rest = all.subarray(4 + size);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
    }
    wake();
  });
  if (opts.paused) socket.pause();
  const closedP = new Promise<void>((resolve) =>
    socket.once('close', () => {
      closed = true;
      wake();
      resolve();
    }),
  );
  return {
    socket,
    responses,
    closed: closedP,
    isClosed: () => closed,
    send: (data) => {
      if (!socket.destroyed) socket.write(data);
    },
    waitFor: (n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${n} responses (have ${responses.length})`)), timeoutMs);
        const check = () => {
          if (responses.length >= n) {
            clearTimeout(timer);
            resolve(responses);
          } else if (closed) {
            clearTimeout(timer);
            reject(new Error(`connection closed with ${responses.length} of ${n} responses`));
          } else waiters.push(check);
        };
        check();
      }),
    correlationIds: () => responses.map((r) => r.readInt32BE(0)),
  };
}

export async function startListener(opts: Partial<KafkaListenerOptions> & Pick<KafkaListenerOptions, 'handler'>): Promise<{ listener: KafkaListener; port: number; logger: MemoryLogger }> {
  const logger = (opts.logger as MemoryLogger | undefined) ?? memoryLogger();
  const listener = new KafkaListener({ host: '127.0.0.1', port: 0, ...opts, logger });
  const { port } = await listener.start();
  return { listener, port, logger };
}

/** Echo handler: responds with the request's correlation id. */
export const echo = ({ header }: { header: { correlationId: number } }) => responseBody(header.correlationId);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitUntil(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Resolves with the elapsed ms when the client socket closes, or rejects after timeoutMs. */
export function closesWithin(client: TestClient, timeoutMs: number): Promise<number> {
  const start = Date.now();
  return Promise.race([
    client.closed.then(() => Date.now() - start),
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs)),
  ]);
}
