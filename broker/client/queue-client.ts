/**
 * TypeScript client for Sluice's queue HTTP API (/api/v1/queues). No dependencies beyond
 * `fetch` (Node 18+, browsers). Publishing retries with exponential backoff and jitter on errors
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
 */
import { randomUUID } from 'node:crypto';

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
  fetch?: typeof fetch;
}

export interface OutgoingMessage {
  key?: string | null;
  /** A string is sent as text, a Buffer/Uint8Array as bytes, anything else as JSON. */
  value: unknown;
  headers?: Record<string, string>;
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
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
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

const RETRYABLE = new Set([429, 502, 503, 504]);

export class QueueClient {
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: QueueClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Publishes a batch; resolves with each message's position once all are durable. */
  async publish(topic: string, messages: OutgoingMessage[]): Promise<{ partition: number; offset: number }[]> {
    const body = { messages: messages.map((m) => encode(m)) };
    const retries = this.options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = (await this.call('POST', `/api/v1/queues/${enc(topic)}/messages`, body)) as { results: { partition: number; offset: number }[] };
        return res.results;
      } catch (err) {
        const retryable = err instanceof QueueApiError ? RETRYABLE.has(err.status) : true;
        if (!retryable || attempt >= retries) throw err;
        const cap = Math.min(this.options.maxBackoffMs ?? 5000, (this.options.backoffMs ?? 100) * 2 ** attempt);
        await new Promise((r) => setTimeout(r, cap / 2 + Math.random() * (cap / 2)));
      }
    }
  }

  /** Leases up to `max` messages, waiting up to `waitMs` for the first. */
  async receive(topic: string, subscription: string, options: { max?: number; leaseMs?: number; waitMs?: number } = {}): Promise<QueueMessage[]> {
    const res = (await this.call('POST', `/api/v1/queues/${enc(topic)}/subscriptions/${enc(subscription)}/receive`, { ...options, encoding: 'base64' }, options.waitMs ?? 0)) as {
      messages: (Omit<QueueMessage, 'value' | 'text' | 'json'> & { value: string | null })[];
    };
    return res.messages.map((m) => {
      const value = m.value === null ? null : Buffer.from(m.value, 'base64');
      return { ...m, value, text: () => value?.toString('utf8') ?? '', json: <T>() => JSON.parse(value?.toString('utf8') ?? 'null') as T };
    });
  }

  async ack(receipts: string[]): Promise<void> {
    await this.call('POST', '/api/v1/queues/ack', { receipts });
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

  private async call(method: string, path: string, body?: unknown, extraTimeoutMs = 0): Promise<unknown> {
    const res = await this.fetchImpl(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout((this.options.timeoutMs ?? 30_000) + extraTimeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let error: { code?: string; message?: string; details?: unknown } = {};
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
      } catch {
        // not the API's error shape (a proxy's page, say)
      }
      throw new QueueApiError(res.status, error.code ?? `http_${res.status}`, error.message ?? (text.slice(0, 200) || res.statusText), error.details);
    }
    return text ? JSON.parse(text) : undefined;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function encode(m: OutgoingMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { idempotencyKey: m.idempotencyKey ?? randomUUID() };
  if (typeof m.value === 'string' || m.value === null) {
    out.value = m.value;
  } else if (m.value instanceof Uint8Array) {
    out.value = Buffer.from(m.value).toString('base64');
    out.encoding = 'base64';
  } else {
    out.value = m.value;
    out.encoding = 'json';
  }
  for (const k of ['key', 'headers', 'partition', 'delayMs', 'deliverAt', 'ttlMs'] as const) if (m[k] !== undefined) out[k] = m[k];
  return out;
}
