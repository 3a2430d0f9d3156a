/**
 * One client connection of the Kafka listener: the read path, dispatch, flow control and the
 * socket's lifecycle. No protocol semantics live here. Helpers own the other concerns:
 * frame-reader.ts cuts size-prefixed frames, response-queue.ts keeps responses in request order
 * and writes them, sasl-mode.ts holds the framing and size limit SASL handlers steer.
 *
 * Flow of a request: socket 'data' → FrameReader → header prefix → handler (runs concurrently with
 * the connection's other requests) → its response slot is filled → `flush` writes every filled
 * slot at the head of the queue, so responses leave in request order even when handlers finish
 * out of order (pipelining). A `null` response just frees its slot.
 *
 * Reading stops (`socket.pause()`) while the socket's write buffer is over its high-water mark
 * (until 'drain') or `maxInFlight` requests are unanswered; buffered complete frames are not
 * dispatched meanwhile.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../logger.js';
import { kafkaRequestFailed, kafkaRequestReceived } from '../../metrics/kafka.js';
import { FrameReader } from './frame-reader.js';
import { callHandler, type HandlerAnswer } from './handler-call.js';
import { parseRequestHeaderPrefix, requestLogFields } from './request-header.js';
import { MAX_RESPONSE_BYTES, ResponseQueue, ResponseWriter, type ResponseSlot } from './response-queue.js';
import { SaslMode } from './sasl-mode.js';
import type { ConnectionControl, ConnectionInfo, RawTokenHandler, RequestHandler, RequestHeaderPrefix } from './types.js';

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

/** Log fields of a request: its header, or just the framing for a raw SASL token. */
type RequestFields = Record<string, unknown>;

export class KafkaConnection {
  readonly info: ConnectionInfo;
  /** Resolves once the socket is closed (for any reason). */
  readonly closed: Promise<void>;

  private readonly socket: Socket;
  private readonly reader: FrameReader;
  private readonly queue = new ResponseQueue();
  private readonly writer: ResponseWriter;
  private readonly mode: SaslMode;
  /** Handlers called whose result has not arrived yet. */
  private running = 0;
  private writeBlocked = false;
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
    this.mode = new SaslMode(opts.maxRequestBytes, opts.unauthenticatedMaxRequestBytes);
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
    this.writer = new ResponseWriter(socket, this.info);
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
    this.queue.clear();
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
    this.queue.clear();
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
      while (!this.gone && !this.shuttingDown && !this.writeBlocked && this.queue.size < this.opts.maxInFlight) {
        const next = this.reader.next(this.mode.minFrameBytes, this.mode.requestLimit);
        if (next.kind === 'incomplete') break;
        if (next.kind === 'invalid') {
          this.fail(`invalid request size ${next.size} (${next.reason})`, { size: next.size, reason: next.reason, maxRequestBytes: this.mode.requestLimit });
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
    if (this.mode.rawTokens) {
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
    this.run(requestLogFields(header), (control) => this.opts.handler({ header, frame, connection: this.info, control }));
  }

  /** Takes a response slot, runs the handler (concurrently with others) and completes the slot. */
  private run(fields: RequestFields, invoke: (control: ConnectionControl) => HandlerAnswer): void {
    const slot = this.queue.reserve();
    this.info.inFlight = this.queue.size;
    this.running += 1;
    const control = this.mode.controlFor(slot);
    callHandler(
      () => invoke(control),
      (response) => {
        this.running -= 1;
        this.complete(slot, response, fields);
      },
      (err) => {
        this.running -= 1;
        this.handlerFailed(err, fields);
      },
    );
  }

  private handlerFailed(err: unknown, fields: RequestFields): void {
    if (typeof fields['apiKey'] === 'number') kafkaRequestFailed(fields['apiKey']);
    this.fail('request handler failed', { error: errorMessage(err), ...fields });
  }

  private complete(slot: ResponseSlot, response: unknown, fields: RequestFields): void {
    if (this.gone) return;
    if (response !== null && !Buffer.isBuffer(response)) {
      this.fail('request handler returned neither a Buffer nor null', fields);
      return;
    }
    if (response && response.length > MAX_RESPONSE_BYTES) {
      this.fail('response too large for a size prefix', { responseBytes: response.length, ...fields });
      return;
    }
    this.queue.fill(slot, response);
    this.flush();
    this.pump();
  }

  /** Writes every finished response at the head of the queue, in request order. */
  private flush(): void {
    const closeReason = this.queue.takeReady((response) => this.write(response));
    if (closeReason !== null) {
      this.closeAfterWrite(closeReason);
      return;
    }
    this.info.inFlight = this.queue.size;
  }

  /** Ends the socket once what was written is flushed, dropping every later request. */
  private closeAfterWrite(reason: string): void {
    this.opts.logger.warn(`closing connection: ${reason}`, { connection: this.info.id, remote: this.remote, reason });
    this.shuttingDown = true;
    this.ended = true;
    this.reader.clear();
    this.queue.clear();
    this.info.inFlight = 0;
    this.socket.end(() => this.socket.destroy());
  }

  private write(response: Buffer): void {
    if (this.ended || this.socket.destroyed) return;
    if (!this.writer.write(response)) this.writeBlocked = true;
  }

  private updateFlow(): void {
    // While shutting down, keep reading (and discarding) so the peer's FIN is noticed.
    const wantRead = this.shuttingDown || (!this.peerEnded && !this.writeBlocked && this.queue.size < this.opts.maxInFlight);
    const paused = this.socket.isPaused();
    if (wantRead && paused) this.socket.resume();
    else if (!wantRead && !paused) this.socket.pause();
  }

  /** Ends the socket once nothing is left to answer (after shutdown() or the peer's FIN). */
  private maybeFinish(): void {
    if (this.ended || this.queue.size > 0) return;
    // With the peer ended, an empty queue and no write block, the pump stopped because no complete frame is left.
    if (this.shuttingDown || (this.peerEnded && !this.writeBlocked)) {
      this.ended = true;
      this.reader.clear();
      this.socket.end();
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
