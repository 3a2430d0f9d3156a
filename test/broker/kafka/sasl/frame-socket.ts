/**
 * A socket that speaks size-prefixed frames and nothing more, so tests can mix Kafka requests
 * with raw SASL tokens (which have no correlation id) on one connection.
 */
import { connect, type Socket } from 'node:net';
import { decodeResponse, encodeRequest, type ApiDefinition, type ResponseOf } from '../../../../broker/kafka/protocol/index.js';

export class FrameSocket {
  private buf = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: ((frame: Buffer | null) => void)[] = [];
  private nextCorrelationId = 1;
  isClosed = false;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        for (const w of this.waiters.splice(0)) w(null);
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<FrameSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new FrameSocket(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes `payload` with its int32 size prefix. */
  sendFrame(payload: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(payload.length, 0);
    this.socket.write(Buffer.concat([size, payload]));
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame (without its size prefix), or null once the connection is closed. */
  nextFrame(): Promise<Buffer | null> {
    const f = this.frames.shift();
    if (f) return Promise.resolve(f);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async call<A extends ApiDefinition>(api: A, version: number, body: Record<string, unknown>): Promise<ResponseOf<A>> {
    this.socket.write(encodeRequest(api, version, this.nextCorrelationId++, 'sasl-raw-test', body as never));
    const frame = await this.nextFrame();
    if (!frame) throw new Error(`connection closed before the ${api.name} response`);
    return decodeResponse(api, version, frame).body as ResponseOf<A>;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      const frame = Buffer.from(this.buf.subarray(4, 4 + size));
      this.buf = this.buf.subarray(4 + size);
      const w = this.waiters.shift();
      if (w) w(frame);
      else this.frames.push(frame);
    }
  }
}
