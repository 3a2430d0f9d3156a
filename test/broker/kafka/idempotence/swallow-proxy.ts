/**
 * A TCP proxy between a real Kafka client and the broker that can drop one Produce response,
 * for clients (librdkafka, @platformatic/kafka, kcat) whose sockets a test cannot wrap.
 *
 * The broker keeps its port and advertises the proxy's address (SLUICE_KAFKA_ADVERTISED_HOST):
 * the proxy listens on the same port number on another loopback address (127.0.0.2), so every
 * connection the client opens after Metadata still goes through it.
 *
 * Armed, it forwards requests but swallows the first Produce response, then forwards nothing more
 * on that connection: the broker has appended the batch, the client never learns it. The test
 * then kills and restarts the broker; the proxy closes the client's side when the broker's closes.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export const PROXY_HOST = '127.0.0.2';
const PRODUCE = 0;

export interface ProduceRequest {
  at: 'armed' | 'idle';
  bytes: Buffer;
}

/** Splits a byte stream into size-prefixed Kafka frames (each returned without its size). */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      onFrame(pending.subarray(4, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

export class SwallowProxy {
  armed = false;
  /** The Produce request whose response was dropped, once one was. */
  swallowed: Buffer | undefined;
  readonly produceRequests: ProduceRequest[] = [];
  /** Produce responses passed on to the client. */
  produceResponses = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number, readonly upstreamHost = '127.0.0.1') {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, PROXY_HOST, () => resolve());
    });
  }

  private pipe(client: Socket): void {
    const upstream = connect({ host: this.upstreamHost, port: this.port });
    this.sockets.add(client).add(upstream);
    const produceIds = new Set<number>();
    let dead = false;
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);

    client.on('data', framer((frame) => {
      if (frame.readInt16BE(0) === PRODUCE) {
        produceIds.add(frame.readInt32BE(4));
        this.produceRequests.push({ at: this.armed ? 'armed' : 'idle', bytes: Buffer.from(frame) });
      }
      upstream.write(Buffer.concat([sizeOf(frame), frame]));
    }));
    upstream.on('data', framer((frame) => {
      if (dead) return;
      const correlationId = frame.readInt32BE(0);
      if (this.armed && this.swallowed === undefined && produceIds.has(correlationId)) {
        dead = true;
        this.swallowed = this.produceRequests.findLast((r) => r.bytes.readInt32BE(4) === correlationId)?.bytes;
        return;
      }
      if (produceIds.has(correlationId)) this.produceResponses++;
      client.write(Buffer.concat([sizeOf(frame), frame]));
    }));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

function sizeOf(frame: Buffer): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(frame.length);
  return b;
}

/** A port free on both the broker's and the proxy's loopback address. */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = createServer();
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', () => r()));
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const ok = await new Promise<boolean>((r) => {
      second.once('error', () => r(false));
      second.listen(port, PROXY_HOST, () => r(true));
    });
    await new Promise<void>((r) => first.close(() => r()));
    if (ok) await new Promise<void>((r) => second.close(() => r()));
    if (ok) return port;
  }
  throw new Error('no port free on both 127.0.0.1 and 127.0.0.2');
}
