/**
 * TypeScript client for Sluice's queue HTTP API (/api/v1/queues), for Node 18+ (node:http with
 * keep-alive, or any `fetch` passed in). Publishing retries with exponential backoff and jitter on errors
 * that are safe to retry — network failures, 429, 502, 503, 504 — and sends an idempotency key
 * with every message that has none, so a retry after a lost response never publishes twice.
 * Receive, ack, nack and extend are not retried: their outcome depends on lease state the caller
 * must see (a retried ack of a message whose lease expired meanwhile would mislead).
 *
 *     const q = new QueueClient({ baseUrl: 'http://127.0.0.1:3000', token: process.env.SLUICE_TOKEN });
 *     await q.publish('orders', [{ key: 'o-1', value: { total: 42 } }]);
 *     for (const m of await q.receive('orders', 'billing', { max: 10, waitMs: 5000 })) {
 *       try { handle(m.json()); await q.ack([m.receipt]); } catch (e) { await q.nack(m.receipt, String(e)); }
 *     }
 * or let `consume` run that loop, pipelined: `q.consume('orders', 'billing', (m) => handle(m.json()))`.
 */
import { randomUUID } from 'node:crypto';
import { BATCH_MEDIA_TYPE, decodeMessageBatch, encodePublishBatch, type BatchMessage, type PublishBatchMessage } from './batch-format.js';
import { startConsumer, type ConsumeOptions, type Consumer, type MessageHandler } from './consumer.js';
import { fetchTransport, nodeHttpTransport, type Transport, type TransportResponse } from './http-transport.js';

export interface QueueClientOptions {
  baseUrl: string;
  /** An API token (`slu_…`) with the operator role. */
  token: string;
  /** Publish retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff delay, doubled per retry up to maxBackoffMs (defaults 100 ms and 5 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Per-request timeout (default 30 s; a receive adds its waitMs). */
  timeoutMs?: number;
  /** Send requests with this instead of Node's HTTP client (tests, browsers, instrumentation). */
  fetch?: typeof fetch;
}

export interface OutgoingMessage {
  /** A string is sent as UTF-8, a Buffer/Uint8Array as it is. */
  key?: string | Uint8Array | null;
  /** A string is sent as text, a Buffer/Uint8Array as bytes, anything else as JSON. */
  value: unknown;
  /** Values as UTF-8 text or raw bytes. */
  headers?: Record<string, string | Uint8Array>;
  partition?: number;
  delayMs?: number;
  deliverAt?: number;
  ttlMs?: number;
  /** Defaults to a random UUID so that publish retries are deduplicated by the broker. */
  idempotencyKey?: string;
}

export interface QueueMessage {
  receipt: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  attempt: number;
  leaseExpiresAt: number;
  /** The key decoded as UTF-8 (bytes that are not UTF-8 become U+FFFD): see keyBytes. */
  key: string | null;
  /** The key exactly as stored. */
  keyBytes: Buffer | null;
  value: Buffer | null;
  /** Header values decoded as UTF-8 (a null value as ''): see headerBytes. */
  headers: Record<string, string>;
  /** Header values exactly as stored (null stays null). */
  headerBytes: Record<string, Buffer | null>;
  text(): string;
  json<T = unknown>(): T;
}

/** An API error: the HTTP status and the API's error code and message. */
export class QueueApiError extends Error {
  override readonly name = 'QueueApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** One received message. A class, not an object literal with closures: receive builds one per
 * message, and per-message closures cost more than the whole binary decode. */
class ReceivedQueueMessage implements QueueMessage {
  readonly receipt: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly attempt: number;
  readonly leaseExpiresAt: number;
  readonly key: string | null;
  readonly keyBytes: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string> = {};
  private readonly rawHeaders: BatchMessage['headers'];

  constructor(topic: string, m: BatchMessage) {
    this.receipt = m.receipt;
    this.topic = topic;
    this.partition = m.partition;
    this.offset = m.offset;
    this.timestamp = m.timestamp;
    this.attempt = m.attempt;
    this.leaseExpiresAt = m.leaseExpiresAt;
    this.key = m.key === null ? null : m.key.toString('utf8');
    this.keyBytes = m.key;
    this.value = m.value;
    this.rawHeaders = m.headers;
    for (const h of m.headers) this.headers[h.key] = h.value?.toString('utf8') ?? '';
  }

  get headerBytes(): Record<string, Buffer | null> {
    const out: Record<string, Buffer | null> = {};
    for (const h of this.rawHeaders) out[h.key] = h.value;
    return out;
  }

  text(): string {
    return this.value?.toString('utf8') ?? '';
  }

  json<T = unknown>(): T {
    return JSON.parse(this.value?.toString('utf8') ?? 'null') as T;
  }
}

const RETRYABLE = new Set([429, 502, 503, 504]);

export class QueueClient {
  private readonly base: string;
  private readonly transport: Transport & { close?(): void };

  constructor(private readonly options: QueueClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.transport = options.fetch ? fetchTransport(options.fetch) : nodeHttpTransport();
  }

  /** Closes idle keep-alive connections (a process with an open client otherwise stays up while they last). */
  close(): void {
    this.transport.close?.();
  }

  /**
   * Publishes a batch; resolves with each message's position once all are durable. Sent as a binary
   * batch (batch-format.ts): values travel as raw bytes, not base64 in JSON.
   */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<{ partition: number; offset: number }[]> {
    const body = encodePublishBatch(messages.map(toBatchMessage));
    const retries = this.options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.request('POST', `/api/v1/queues/${enc(topic)}/messages`, { body, contentType: BATCH_MEDIA_TYPE });
        return (JSON.parse(res.body.toString('utf8')) as { results: { partition: number; offset: number }[] }).results;
      } catch (err) {
        const retryable = err instanceof QueueApiError ? RETRYABLE.has(err.status) : true;
        if (!retryable || attempt >= retries) throw err;
        const cap = Math.min(this.options.maxBackoffMs ?? 5000, (this.options.backoffMs ?? 100) * 2 ** attempt);
        await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
      }
    }
  }

  /**
   * Leases up to `max` messages, waiting up to `waitMs` for the first. Messages arrive as a binary
   * batch (batch-format.ts): raw bytes, no base64 or JSON per message. `ack`: receipts of an
   * earlier batch to ack in the same call, all or nothing, before anything is leased (a bad one
   * fails the call with ack's error, and nothing is leased).
   */
  async receive(topic: string, subscription: string, options: { max?: number; leaseMs?: number; waitMs?: number; ack?: string[] } = {}): Promise<QueueMessage[]> {
    const res = await this.request('POST', `/api/v1/queues/${enc(topic)}/subscriptions/${enc(subscription)}/receive`, {
      body: JSON.stringify(options),
      contentType: 'application/json',
      accept: BATCH_MEDIA_TYPE,
      extraTimeoutMs: options.waitMs ?? 0,
    });
    if (!res.contentType?.startsWith(BATCH_MEDIA_TYPE)) {
      throw new QueueApiError(res.status, 'unexpected_response', `receive answered ${res.contentType ?? 'no content type'}, not ${BATCH_MEDIA_TYPE}`);
    }
    const batch = decodeMessageBatch(res.body);
    return batch.messages.map((m) => new ReceivedQueueMessage(batch.topic, m));
  }

  /**
   * Runs `handler` for each message of the subscription until stop(): a handler that returns
   * (or resolves) acks its message, one that throws nacks it with the error message as the reason.
   * Receives are pipelined and acks batched (consumer.ts), so this is also the fast way to consume.
   *
   *     const c = q.consume('orders', 'billing', async (m) => bill(m.json()), { prefetch: 200 });
   *     process.on('SIGTERM', () => void c.stop());
   */
  consume(topic: string, subscription: string, handler: MessageHandler, options?: ConsumeOptions): Consumer {
    return startConsumer(this, topic, subscription, handler, options);
  }

  /** Acknowledges a batch, all or nothing; the receipts go as text, one per line. */
  async ack(receipts: string[]): Promise<void> {
    await this.request('POST', '/api/v1/queues/ack', { body: receipts.join('\n'), contentType: 'text/plain' });
  }

  async nack(receipt: string, reason?: string): Promise<{ deadLettered: boolean; redeliverAt?: number }> {
    return (await this.call('POST', '/api/v1/queues/nack', reason === undefined ? { receipt } : { receipt, reason })) as { deadLettered: boolean; redeliverAt?: number };
  }

  async extend(receipt: string, ms: number): Promise<{ leaseExpiresAt: number }> {
    return (await this.call('POST', '/api/v1/queues/extend', { receipt, ms })) as { leaseExpiresAt: number };
  }

  /**
   * Prepares transactional (half) messages: stored durably, delivered to no one until
   * `commitTransaction`. If neither commit nor rollback arrives within `timeoutMs`, the broker
   * POSTs `{ transactionId, topic, messages }` to `checkBackUrl` and acts on its
   * `{ "action": "commit" | "rollback" | "unknown" }`. Not retried (a retry would prepare twice).
   */
  async prepareTransaction(topic: string, messages: OutgoingMessage[], options: { timeoutMs: number; checkBackUrl?: string }): Promise<{ transactionId: string }> {
    return (await this.call('POST', `/api/v1/queues/${enc(topic)}/transactions`, { messages: messages.map((m) => encode(m)), ...options })) as { transactionId: string };
  }

  /** Makes a prepared transaction's messages visible, exactly once; safe to retry. */
  async commitTransaction(transactionId: string): Promise<{ state: 'committed'; results?: { partition: number; offset: number }[] }> {
    return (await this.call('POST', `/api/v1/queues/transactions/${enc(transactionId)}/commit`, {})) as { state: 'committed' };
  }

  /** Discards a prepared transaction's messages; safe to retry. */
  async rollbackTransaction(transactionId: string): Promise<void> {
    await this.call('POST', `/api/v1/queues/transactions/${enc(transactionId)}/rollback`, {});
  }

  async createSubscription(topic: string, name: string, options: { startAt?: 'earliest' | 'latest'; config?: Record<string, unknown> } = {}): Promise<unknown> {
    return this.call('POST', `/api/v1/queues/${enc(topic)}/subscriptions`, { name, ...options });
  }

  async describeSubscription(topic: string, name: string): Promise<{ counts: Record<string, number> } & Record<string, unknown>> {
    return (await this.call('GET', `/api/v1/queues/${enc(topic)}/subscriptions/${enc(name)}`)) as { counts: Record<string, number> };
  }

  async deleteSubscription(topic: string, name: string): Promise<void> {
    await this.call('DELETE', `/api/v1/queues/${enc(topic)}/subscriptions/${enc(name)}`);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.request(method, path, body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' });
    return res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : undefined;
  }

  /** Sends one request; a non-2xx answer becomes a QueueApiError with the API's code. */
  private async request(method: string, path: string, o: { body?: string | Buffer; contentType?: string; accept?: string; extraTimeoutMs?: number }): Promise<TransportResponse> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.options.token}` };
    if (o.contentType) headers['content-type'] = o.contentType;
    if (o.accept) headers.accept = o.accept;
    const res = await this.transport({ method, url: `${this.base}${path}`, headers, body: o.body, timeoutMs: (this.options.timeoutMs ?? 30_000) + (o.extraTimeoutMs ?? 0) });
    if (res.status >= 200 && res.status < 300) return res;
    const text = res.body.toString('utf8');
    let error: { code?: string; message?: string; details?: unknown } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not the API's error shape (a proxy's page, say)
    }
    throw new QueueApiError(res.status, error.code ?? `http_${res.status}`, error.message ?? (text.slice(0, 200) || `HTTP ${res.status}`), error.details);
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** Strings as UTF-8, bytes as they are, anything else as JSON text. */
function bytes(v: unknown): Buffer {
  if (v === undefined) return Buffer.from('null');
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(JSON.stringify(v), 'utf8');
}

/** An outgoing message as a binary publish batch's message. */
function toBatchMessage(m: OutgoingMessage): PublishBatchMessage {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = bytes(v);
  const out: PublishBatchMessage = { key: m.key == null ? null : bytes(m.key), value: m.value === null ? null : bytes(m.value), headers, idempotencyKey: m.idempotencyKey ?? randomUUID() };
  for (const k of ['partition', 'delayMs', 'deliverAt', 'ttlMs'] as const) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON API carries keys and header values as text: bytes are sent only if they are UTF-8. */
function asText(v: string | Uint8Array, what: string): string {
  if (typeof v === 'string') return v;
  try {
    return strictUtf8.decode(v);
  } catch {
    throw new TypeError(`${what} is not UTF-8; transactional messages take text keys and header values (publish() takes any bytes)`);
  }
}

function encode(m: OutgoingMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { idempotencyKey: m.idempotencyKey ?? randomUUID() };
  if (m.key !== undefined) out.key = m.key === null ? null : asText(m.key, 'key');
  if (m.headers) out.headers = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, asText(v, `header ${k}`)]));
  if (typeof m.value === 'string' || m.value === null) {
    out.value = m.value;
  } else if (m.value instanceof Uint8Array) {
    out.value = Buffer.from(m.value).toString('base64');
    out.encoding = 'base64';
  } else {
    out.value = m.value;
    out.encoding = 'json';
  }
  for (const k of ['partition', 'delayMs', 'deliverAt', 'ttlMs'] as const) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

export type { ConsumeOptions, Consumer, ConsumerState, MessageHandler } from './consumer.js';
