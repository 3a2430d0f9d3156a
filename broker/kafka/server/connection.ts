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
 *
 * Handlers steer the transport through `ConnectionControl` (SASL): switch to raw token framing
 * (frames without a request header, after SaslHandshake v0), close once a response is written
 * (failed authentication), and lift the smaller pre-authentication request size limit.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../logger.js';
import { kafkaRequestFailed, kafkaRequestReceived } from '../../metrics/kafka.js';
import { FrameReader, MIN_FRAME_BYTES } from './frame-reader.js';
import { parseRequestHeaderPrefix } from './request-header.js';
import type { ConnectionControl, ConnectionInfo, Framing, RawTokenHandler, RequestHandler, RequestHeaderPrefix } from './types.js';

export interface ConnectionOptions {
  id: number;
  socket: Socket;
  handler: RequestHandler;
  /** Frames read while the framing is `sasl-raw`; without it such a frame closes the connection. */
  rawTokenHandler?: RawTokenHandler;
  logger: Logger;
  maxRequestBytes: number;
  /** Applies until ConnectionControl.authenticated() (SASL on); undefined: maxRequestBytes throughout. */
  unauthenticatedMaxRequestBytes?: number;
  maxInFlight: number;
  idleTimeoutMs: number;
  onClose: (connection: KafkaConnection) => void;
}

interface Slot {
  done: boolean;
  response: Buffer | null;
  /** Set through ConnectionControl.closeAfterResponse. */
  closeReason: string | null;
}

/** Log fields of a request: its header, or just the framing for a raw SASL token. */
type RequestFields = Record<string, unknown>;

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
  private framing: Framing = 'kafka';
  /** Request size limit now: lower until the peer has authenticated (when SASL is on). */
  private requestLimit: number;
  private resolveClosed!: () => void;

  constructor(private readonly opts: ConnectionOptions) {
    const { socket } = opts;
    this.socket = socket;
    this.reader = new FrameReader(opts.maxRequestBytes);
    this.requestLimit = Math.min(opts.unauthenticatedMaxRequestBytes ?? opts.maxRequestBytes, opts.maxRequestBytes);
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
        // Raw SASL tokens have no request header, so no minimum beyond the size prefix.
        const next = this.reader.next(this.framing === 'sasl-raw' ? 0 : MIN_FRAME_BYTES, this.requestLimit);
        if (next.kind === 'incomplete') break;
        if (next.kind === 'invalid') {
          this.fail(`invalid request size ${next.size} (${next.reason})`, { size: next.size, reason: next.reason, maxRequestBytes: this.requestLimit });
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
    if (this.framing === 'sasl-raw') {
      const handler = this.opts.rawTokenHandler;
      if (!handler) {
        this.fail('raw SASL token framing without a token handler', { frameBytes: frame.length });
        return;
      }
      this.run({ framing: 'sasl-raw', tokenBytes: frame.length }, (control) => handler({ token: frame, connection: this.info, control }));
      return;
    }
    let header: RequestHeaderPrefix;
    try {
      header = parseRequestHeaderPrefix(frame);
    } catch (err) {
      this.fail('malformed request header', { error: errorMessage(err), frameBytes: frame.length });
      return;
    }
    this.info.clientId = header.clientId;
    kafkaRequestReceived(header.apiKey);
    this.run(headerFields(header), (control) => this.opts.handler({ header, frame, connection: this.info, control }));
  }

  /** Takes a response slot, runs the handler (concurrently with others) and completes the slot. */
  private run(fields: RequestFields, invoke: (control: ConnectionControl) => Promise<Buffer | null> | Buffer | null): void {
    const slot: Slot = { done: false, response: null, closeReason: null };
    this.queue.push(slot);
    this.info.inFlight = this.queue.length;
    this.running += 1;
    const control: ConnectionControl = {
      setFraming: (framing) => this.setFraming(framing),
      closeAfterResponse: (reason) => {
        slot.closeReason = reason;
      },
      authenticated: () => this.authenticated(),
    };
    let result: Promise<Buffer | null> | Buffer | null;
    try {
      result = invoke(control);
    } catch (err) {
      this.running -= 1;
      this.handlerFailed(err, fields);
      return;
    }
    if (isThenable(result)) {
      result.then(
        (response) => {
          this.running -= 1;
          this.complete(slot, response, fields);
        },
        (err: unknown) => {
          this.running -= 1;
          this.handlerFailed(err, fields);
        },
      );
    } else {
      this.running -= 1;
      this.complete(slot, result, fields);
    }
  }

  /** unauthenticated → authenticated: requests up to maxRequestBytes are accepted from now on. */
  private authenticated(): void {
    this.requestLimit = this.opts.maxRequestBytes;
  }

  /** kafka ⇄ sasl-raw: the frames read from now on are requests, or bare SASL tokens. */
  private setFraming(framing: Framing): void {
    this.framing = framing;
  }

  private handlerFailed(err: unknown, fields: RequestFields): void {
    if (typeof fields['apiKey'] === 'number') kafkaRequestFailed(fields['apiKey']);
    this.fail('request handler failed', { error: errorMessage(err), ...fields });
  }

  private complete(slot: Slot, response: unknown, fields: RequestFields): void {
    if (this.gone) return;
    if (response !== null && !Buffer.isBuffer(response)) {
      this.fail('request handler returned neither a Buffer nor null', fields);
      return;
    }
    if (response && response.length > MAX_RESPONSE_BYTES) {
      this.fail('response too large for a size prefix', { responseBytes: response.length, ...fields });
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
      const { response, closeReason } = queue.shift()!;
      if (response) this.write(response);
      if (closeReason !== null) {
        this.closeAfterWrite(closeReason);
        return;
      }
    }
    this.info.inFlight = queue.length;
  }

  /** Ends the socket once what was written is flushed, dropping every later request. */
  private closeAfterWrite(reason: string): void {
    this.opts.logger.warn(`closing connection: ${reason}`, { connection: this.info.id, remote: this.remote, reason });
    this.shuttingDown = true;
    this.ended = true;
    this.reader.clear();
    this.queue.length = 0;
    this.info.inFlight = 0;
    this.socket.end(() => this.socket.destroy());
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
