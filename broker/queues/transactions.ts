/**
 * Transactional (half) messages: prepare stores a batch durably where no consumer can see it (in
 * the queue journal, see transactions-state.ts); commit appends it to the topic exactly once;
 * rollback discards it. Neither within `timeoutMs` -> the broker asks the producer's check-back
 * URL (transactions-checkback.ts).
 *
 * Exactly once: 'committing' is durable before the append, and the append goes through publish
 * with an idempotency key per message (the message's own, else `sluice-txn:<id>:<index>`), so a
 * commit retried after a crash between the append and 'committed' finds the records already in
 * the log instead of appending them again (within the idempotency window, 15 minutes by default).
 */
import { randomUUID } from 'node:crypto';
import { SluiceError } from '../errors.js';
import type { QueueContext } from './context.js';
import { requestedDeliverAt } from './delay.js';
import { validateIdempotencyKey } from './idempotency.js';
import { checkMessage, publish } from './publish.js';
import { loadMessage, storeMessage, type TxnRecord, type TxnStatus } from './transactions-state.js';
import { requestedExpiry } from './ttl.js';
import type { PublishMessage, PublishResult } from './types.js';

export interface PrepareOptions {
  /** POSTed `{ transactionId, topic, messages }` when the timeout passes without an answer. */
  checkBackUrl?: string;
  /** How long to wait for commit/rollback before checking back (or, without a URL, rolling back). */
  timeoutMs: number;
}

export interface TransactionOutcome {
  transactionId: string;
  state: Extract<TxnStatus, 'committed' | 'rolledback'>;
  /** Where the messages went (committed only). */
  results?: PublishResult[];
}

export interface PendingTransaction {
  transactionId: string;
  topic: string;
  state: 'pending' | 'committing';
  messages: number;
  createdAt: number;
  ageMs: number;
  /** When the next check-back is due. */
  deadline: number;
  checkBackAttempts: number;
  checkBackUrl?: string;
}

export const TXN_LIMITS = { maxMessages: 10_000, minTimeoutMs: 1, maxTimeoutMs: 7 * 24 * 3600_000, maxUrlChars: 2048 } as const;
export const TXN_KEY_PREFIX = 'sluice-txn:';

export class Transactions {
  /** Commits running now, by id: a second commit (or a check-back) joins the first. */
  private readonly committing = new Map<string, Promise<PublishResult[]>>();
  /** Runtime only: when a failed commit append may be tried again by tick(). */
  private readonly retryAfter = new Map<string, number>();

  constructor(private readonly ctx: QueueContext) {}

  async prepare(topic: string, messages: readonly PublishMessage[], options: PrepareOptions): Promise<{ transactionId: string }> {
    this.ctx.assertOpen();
    const info = this.ctx.store.getTopic(topic);
    if (!info) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
    if (!Array.isArray(messages) || messages.length === 0 || messages.length > TXN_LIMITS.maxMessages) {
      throw new SluiceError('INVALID_REQUEST', `a transaction holds 1..${TXN_LIMITS.maxMessages} messages, got ${Array.isArray(messages) ? messages.length : typeof messages}`);
    }
    const opts = validateOptions(options);
    const now = this.ctx.now();
    messages.forEach((m, i) => {
      checkMessage(m, i);
      requestedDeliverAt(m, i, now);
      requestedExpiry(m, i, now);
      if (m.idempotencyKey !== undefined) validateIdempotencyKey(m.idempotencyKey, i);
      if (m.partition !== undefined && (!Number.isInteger(m.partition) || m.partition < 0 || m.partition >= info.partitions)) {
        throw new SluiceError('UNKNOWN_PARTITION', `message ${i}: topic ${topic} has partitions 0..${info.partitions - 1}, not ${m.partition}`, { topic, partition: m.partition });
      }
    });
    const t: TxnRecord = {
      id: randomUUID(),
      topic,
      messages: messages.map(storeMessage),
      count: messages.length,
      timeoutMs: opts.timeoutMs,
      createdAt: now,
      deadline: now + opts.timeoutMs,
      attempts: 0,
      state: 'pending',
    };
    if (opts.checkBackUrl !== undefined) t.checkBackUrl = opts.checkBackUrl;
    await this.ctx.commit([{ e: 'txn', t }]);
    return { transactionId: t.id };
  }

  /** Makes the messages visible, once. Idempotent; a rolled-back transaction -> TRANSACTION_CONFLICT. */
  async commit(id: string): Promise<TransactionOutcome> {
    this.ctx.assertOpen();
    const t = this.require(id);
    if (t.state === 'rolledback') throw conflict(t, 'commit');
    if (t.state === 'committed') return { transactionId: id, state: 'committed', results: t.results ?? [] };
    return { transactionId: id, state: 'committed', results: await this.finishCommit(t) };
  }

  /** Discards the messages. Idempotent; a committed (or committing) one -> TRANSACTION_CONFLICT. */
  async rollback(id: string, reason?: string): Promise<TransactionOutcome> {
    this.ctx.assertOpen();
    const t = this.require(id);
    if (t.state === 'rolledback') return { transactionId: id, state: 'rolledback' };
    if (t.state !== 'pending') throw conflict(t, 'roll back');
    await this.ctx.commit([{ e: 'txn-state', id, state: 'rolledback', at: this.ctx.now(), ...(reason ? { reason } : {}) }]);
    return { transactionId: id, state: 'rolledback' };
  }

  listPending(topic?: string): PendingTransaction[] {
    const now = this.ctx.now();
    const out: PendingTransaction[] = [];
    for (const t of this.ctx.state.txns.byId.values()) {
      if ((t.state !== 'pending' && t.state !== 'committing') || (topic !== undefined && t.topic !== topic)) continue;
      const p: PendingTransaction = { transactionId: t.id, topic: t.topic, state: t.state, messages: t.count, createdAt: t.createdAt, ageMs: Math.max(0, now - t.createdAt), deadline: t.deadline, checkBackAttempts: t.attempts };
      if (t.checkBackUrl !== undefined) p.checkBackUrl = t.checkBackUrl;
      out.push(p);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Finishes commits a crash (or a failed append) left in 'committing'. */
  resumeCommits(): void {
    const now = this.ctx.now();
    for (const t of this.ctx.state.txns.byId.values()) {
      if (t.state !== 'committing' || this.committing.has(t.id) || (this.retryAfter.get(t.id) ?? 0) > now) continue;
      this.ctx.track(
        this.finishCommit(t).catch((err) => {
          this.retryAfter.set(t.id, this.ctx.now() + 5_000);
          this.ctx.logger.warn('transaction commit append failed; will retry', { transactionId: t.id, topic: t.topic, error: String(err) });
        }),
      );
    }
  }

  get(id: string): TxnRecord | undefined {
    return this.ctx.state.txns.byId.get(id);
  }

  /** pending|committing -> committed: 'committing' durable, then the idempotent append, then 'committed'. */
  finishCommit(t: TxnRecord): Promise<PublishResult[]> {
    const running = this.committing.get(t.id);
    if (running) return running;
    const run = (async () => {
      if (t.state === 'pending') await this.ctx.commit([{ e: 'txn-state', id: t.id, state: 'committing', at: this.ctx.now() }]);
      const messages = t.messages.map((s, i) => ({ ...loadMessage(s), idempotencyKey: s.idempotencyKey ?? `${TXN_KEY_PREFIX}${t.id}:${i}` }));
      const results = await publish(this.ctx, t.topic, messages);
      await this.ctx.commit([{ e: 'txn-state', id: t.id, state: 'committed', at: this.ctx.now(), results }]);
      this.retryAfter.delete(t.id);
      return results;
    })();
    this.committing.set(t.id, run);
    const settled = run.catch(() => {}).then(() => this.committing.delete(t.id));
    this.ctx.track(settled);
    return run;
  }

  private require(id: string): TxnRecord {
    const t = typeof id === 'string' ? this.get(id) : undefined;
    if (!t) throw new SluiceError('UNKNOWN_TRANSACTION', `no transaction ${JSON.stringify(id)} (unknown, or ended long ago)`, { transactionId: id });
    return t;
  }
}

function conflict(t: TxnRecord, what: string): SluiceError {
  return new SluiceError('TRANSACTION_CONFLICT', `cannot ${what} transaction ${t.id}: it is ${t.state}${t.reason ? ` (${t.reason})` : ''}`, { transactionId: t.id, state: t.state });
}

function validateOptions(o: PrepareOptions): PrepareOptions {
  if (typeof o !== 'object' || o === null) throw new SluiceError('INVALID_REQUEST', 'prepare options must be an object with timeoutMs');
  const { timeoutMs, checkBackUrl } = o;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < TXN_LIMITS.minTimeoutMs || timeoutMs > TXN_LIMITS.maxTimeoutMs) {
    throw new SluiceError('INVALID_REQUEST', `timeoutMs must be an integer in [${TXN_LIMITS.minTimeoutMs}, ${TXN_LIMITS.maxTimeoutMs}], not ${JSON.stringify(timeoutMs)}`);
  }
  if (checkBackUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = typeof checkBackUrl === 'string' && checkBackUrl.length <= TXN_LIMITS.maxUrlChars ? new URL(checkBackUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new SluiceError('INVALID_REQUEST', `checkBackUrl must be an http(s) URL of at most ${TXN_LIMITS.maxUrlChars} characters, not ${JSON.stringify(checkBackUrl)}`);
    }
  }
  return { timeoutMs, ...(checkBackUrl !== undefined ? { checkBackUrl } : {}) };
}
