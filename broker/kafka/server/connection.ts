/**
 * One client connection of the Kafka listener: framing, dispatch, in-order responses and
 * flow control. No protocol semantics live here.
 *
 * Flow of a request: socket 'data' → FrameReader → header prefix → handler (runs concurrently with
 * the connection's other requests) → its slot in `queue` is marked done → `flush` writes every
 * done slot at the head of the queue, so responses leave in request order even when handlers
 * finish out of order (pipelining). A `null` response just frees its slot.
 *
 * Reading stops (`socket.pause()`) while the socket's write buffer is over its high-water mark
 * (until 'drain') or `maxInFlight` requests are unanswered; buffered complete frames are not
 * dispatched meanwhile. Writes made in one tick are corked and go out in one writev.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../logger.js';
import { FrameReader } from './frame-reader.js';
import { parseRequestHeaderPrefix } from './request-header.js';
import type { ConnectionInfo, RequestHandler, RequestHeaderPrefix } from './types.js';

export interface ConnectionOptions {
  id: number;
  socket: Socket;
  handler: RequestHandler;
  logger: Logger;
  maxRequestBytes: number;
  maxInFlight: number;
  idleTimeoutMs: number;
  onClose: (connection: KafkaConnection) => void;
}

interface Slot {
  done: boolean;
  response: Buffer | null;
}

/** Largest response the int32 size prefix can describe. */
const MAX_RESPONSE_BYTES = 0x7fffffff;

export class KafkaConnection {
  readonly info: ConnectionInfo;
  /** Resolves once the socket is closed (for any reason). */
  readonly closed: Promise<void>;

  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly queue: Slot[] = [];
  /** Handlers called whose result has not arrived yet. */
  private running = 0;
  private writeBlocked = false;
  private corked = false;
  private pumping = false;
  private peerEnded = false;
  private shuttingDown = false;
  private ended = false;
  private isClosed = false;
  private resolveClosed!: () => void;

  constructor(private readonly opts: ConnectionOptions) {
    const { socket } = opts;
    this.socket = socket;
    this.reader = new FrameReader(opts.maxRequestBytes);
    const now = Date.now();
    this.info = {
      id: opts.id,
      remoteAddress: socket.remoteAddress ?? 'unknown',
      remotePort: socket.remotePort ?? 0,
      localPort: socket.localPort ?? 0,
      connectedAt: now,
      requests: 0,
      responses: 0,
      bytesIn: 0,
      bytesOut: 0,
      inFlight: 0,
      clientId: null,
      lastActivityAt: now,
    };
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));

    socket.setNoDelay(true);
    if (opts.idleTimeoutMs > 0) socket.setTimeout(opts.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('end', () => this.onEnd());
    socket.on('timeout', () => this.onTimeout());
    socket.on('error', (err: NodeJS.ErrnoException) => this.onError(err));
    socket.on('close', () => this.onClosed());
  }

  /** Closed, or destroyed and about to emit 'close'. */
  private get gone(): boolean {
    return this.isClosed || this.socket.destroyed;
  }

  /** "address:port" for logs. */
  get remote(): string {
    return `${this.info.remoteAddress}:${this.info.remotePort}`;
  }

  /**
   * Graceful close: stop reading requests (anything not yet dispatched is dropped), let the
   * dispatched ones finish and their responses flush, then end the socket. The caller bounds this
   * with a timeout and calls `destroy()`.
   */
  shutdown(): void {
    if (this.shuttingDown || this.gone) return;
    this.shuttingDown = true;
    this.reader.clear();
    this.pump();
  }

  destroy(): void {
    if (this.gone) return;
    this.reader.clear();
    this.queue.length = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.info.bytesIn += chunk.length;
    this.info.lastActivityAt = Date.now();
    // While shutting down we keep reading so the peer's FIN is seen, but ignore what it says.
    if (this.shuttingDown || this.gone) return;
    this.reader.push(chunk);
    this.pump();
  }

  private onDrain(): void {
    this.writeBlocked = false;
    this.pump();
  }

  private onEnd(): void {
    this.peerEnded = true;
    this.pump();
  }

  private onTimeout(): void {
    if (this.gone) return;
    if (this.running > 0) {
      // A handler is still working on a request (e.g. a long-poll Fetch): not idle. Re-arm.
      this.socket.setTimeout(this.opts.idleTimeoutMs);
      return;
    }
    this.opts.logger.info('closing idle connection', { connection: this.info.id, remote: this.remote, idleTimeoutMs: this.opts.idleTimeoutMs });
    this.destroy();
  }

  private onError(err: NodeJS.ErrnoException): void {
    // Resets and broken pipes are how clients usually leave; the socket closes itself afterwards.
    const routine = err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ETIMEDOUT';
    this.opts.logger[routine ? 'debug' : 'warn']('connection error', { connection: this.info.id, remote: this.remote, error: err.message, code: err.code });
  }

  private onClosed(): void {
    this.isClosed = true;
    this.reader.clear();
    this.queue.length = 0;
    this.info.inFlight = 0;
    this.resolveClosed();
    this.opts.onClose(this);
  }

  /** Closes this connection only, with a logged reason. */
  private fail(reason: string, fields: Record<string, unknown>): void {
    if (this.gone) return;
    this.opts.logger.warn(`closing connection: ${reason}`, { connection: this.info.id, remote: this.remote, reason, ...fields });
    this.destroy();
  }

  /** Dispatches buffered frames while flow control allows, then adjusts reading. */
  private pump(): void {
    if (this.pumping || this.gone) return;
    this.pumping = true;
    try {
      while (!this.gone && !this.shuttingDown && !this.writeBlocked && this.queue.length < this.opts.maxInFlight) {
        const next = this.reader.next();
        if (next.kind === 'incomplete') break;
        if (next.kind === 'invalid') {
          this.fail(`invalid request size ${next.size} (${next.reason})`, { size: next.size, reason: next.reason, maxRequestBytes: this.opts.maxRequestBytes });
          return;
        }
        this.dispatch(next.frame);
      }
    } finally {
      this.pumping = false;
    }
    if (this.gone) return;
    this.updateFlow();
    this.maybeFinish();
  }

  private dispatch(frame: Buffer): void {
    this.info.requests += 1;
    let header: RequestHeaderPrefix;
    try {
      header = parseRequestHeaderPrefix(frame);
    } catch (err) {
      this.fail('malformed request header', { error: errorMessage(err), frameBytes: frame.length });
      return;
    }
    this.info.clientId = header.clientId;
    const slot: Slot = { done: false, response: null };
    this.queue.push(slot);
    this.info.inFlight = this.queue.length;
    this.running += 1;
    let result: Promise<Buffer | null> | Buffer | null;
    try {
      result = this.opts.handler({ header, frame, connection: this.info });
    } catch (err) {
      this.running -= 1;
      this.handlerFailed(err, header);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (response) => {
          this.running -= 1;
          this.complete(slot, response, header);
        },
        (err: unknown) => {
          this.running -= 1;
          this.handlerFailed(err, header);
        },
      );
    } else {
      this.running -= 1;
      this.complete(slot, result, header);
    }
  }

  private handlerFailed(err: unknown, header: RequestHeaderPrefix): void {
    this.fail('request handler failed', { error: errorMessage(err), ...headerFields(header) });
  }

  private complete(slot: Slot, response: unknown, header: RequestHeaderPrefix): void {
    if (this.gone) return;
    if (response !== null && !Buffer.isBuffer(response)) {
      this.fail('request handler returned neither a Buffer nor null', headerFields(header));
      return;
    }
    if (response && response.length > MAX_RESPONSE_BYTES) {
      this.fail('response too large for a size prefix', { responseBytes: response.length, ...headerFields(header) });
      return;
    }
    slot.done = true;
    slot.response = response;
    this.flush();
    this.pump();
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private flush(): void {
    const queue = this.queue;
    while (queue.length > 0 && queue[0]!.done) {
      const { response } = queue.shift()!;
      if (response) this.write(response);
    }
    this.info.inFlight = queue.length;
  }

  private write(response: Buffer): void {
    if (this.ended || this.socket.destroyed) return;
    if (!this.corked) {
      // Everything written during this tick goes out as one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        if (!this.socket.destroyed) this.socket.uncork();
      });
    }
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeInt32BE(response.length, 0);
    this.socket.write(prefix);
    const ok = this.socket.write(response);
    this.info.responses += 1;
    this.info.bytesOut += 4 + response.length;
    this.info.lastActivityAt = Date.now();
    if (!ok) this.writeBlocked = true;
  }

  private updateFlow(): void {
    // While shutting down, keep reading (and discarding) so the peer's FIN is noticed.
    const wantRead = this.shuttingDown || (!this.peerEnded && !this.writeBlocked && this.queue.length < this.opts.maxInFlight);
    const paused = this.socket.isPaused();
    if (wantRead && paused) this.socket.resume();
    else if (!wantRead && !paused) this.socket.pause();
  }

  /** Ends the socket once nothing is left to answer (after shutdown() or the peer's FIN). */
  private maybeFinish(): void {
    if (this.ended || this.queue.length > 0) return;
    // With the peer ended, an empty queue and no write block, the pump stopped because no complete frame is left.
    if (this.shuttingDown || (this.peerEnded && !this.writeBlocked)) {
      this.ended = true;
      this.reader.clear();
      this.socket.end();
    }
  }
}

function isThenable(value: unknown): value is Promise<Buffer | null> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function headerFields(header: RequestHeaderPrefix): Record<string, unknown> {
  return { apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId };
}
