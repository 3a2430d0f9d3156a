/**
 * Check-back: a transaction neither committed nor rolled back by its deadline is asked about.
 * The broker POSTs `{ transactionId, topic, messages }` (messages = count) to its checkBackUrl and
 * acts on `{ "action": "commit" | "rollback" | "unknown" }`. 'unknown', a non-2xx answer, a bad
 * body, a network error or a timeout count one attempt; the next check is due after exponential
 * backoff. After `maxChecks` attempts the transaction is rolled back and the rollback logged.
 * Attempts and deadlines are journalled (`txn-check`), so a restart keeps both.
 * Without a checkBackUrl the transaction is rolled back at its deadline.
 */
import type { QueueContext } from './context.js';
import type { Transactions } from './transactions.js';
import type { TxnRecord } from './transactions-state.js';

export interface CheckBackOptions {
  /** Delay after the first failed check; doubles per attempt. Default 1 000 ms. */
  baseMs?: number;
  /** Upper bound of that delay. Default 60 000 ms. */
  capMs?: number;
  /** Check-backs before giving up and rolling back. Default 10. */
  maxChecks?: number;
  /** Per request. Default 5 000 ms. */
  requestTimeoutMs?: number;
}

type Action = 'commit' | 'rollback' | 'unknown';

export class CheckBacks {
  /** Ids with a check-back request (or its consequence) running now. */
  private readonly inFlight = new Set<string>();
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly maxChecks: number;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly ctx: QueueContext,
    private readonly txns: Transactions,
    options: CheckBackOptions = {},
  ) {
    this.baseMs = options.baseMs ?? 1_000;
    this.capMs = options.capMs ?? 60_000;
    this.maxChecks = options.maxChecks ?? 10;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  }

  /** Starts a check for every pending transaction past its deadline (the engine's timer calls this). */
  tick(): void {
    const now = this.ctx.now();
    for (const t of this.ctx.state.txns.byId.values()) {
      if (t.state !== 'pending' || t.deadline > now || this.inFlight.has(t.id)) continue;
      this.inFlight.add(t.id);
      this.ctx.track(
        this.check(t)
          .catch((err) => this.ctx.logger.warn('transaction check-back failed', { transactionId: t.id, error: String(err) }))
          .finally(() => this.inFlight.delete(t.id)),
      );
    }
  }

  private async check(t: TxnRecord): Promise<void> {
    if (!t.checkBackUrl) {
      this.ctx.logger.warn('transaction timed out with no check-back URL; rolled back', { transactionId: t.id, topic: t.topic });
      await this.settle(t, 'rollback', 'timed out, no check-back URL');
      return;
    }
    const action = await this.ask(t);
    if (t.state !== 'pending') return; // a commit or rollback arrived while asking
    if (action === 'commit' || action === 'rollback') {
      await this.settle(t, action, 'check-back answered rollback');
      return;
    }
    const attempts = t.attempts + 1;
    if (attempts >= this.maxChecks) {
      this.ctx.logger.warn('transaction check-back gave no answer; rolled back', { transactionId: t.id, topic: t.topic, attempts });
      await this.settle(t, 'rollback', `check-back gave no answer after ${attempts} attempts`);
      return;
    }
    const delay = Math.min(this.capMs, this.baseMs * 2 ** (attempts - 1));
    await this.ctx.commit([{ e: 'txn-check', id: t.id, attempts, deadline: this.ctx.now() + delay }]);
  }

  private async settle(t: TxnRecord, action: 'commit' | 'rollback', reason: string): Promise<void> {
    // A commit or rollback from the producer may have won the race: that answer stands.
    if (t.state !== 'pending') return;
    if (action === 'commit') await this.txns.finishCommit(t);
    else await this.txns.rollback(t.id, reason);
  }

  private async ask(t: TxnRecord): Promise<Action> {
    try {
      const res = await fetch(t.checkBackUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ transactionId: t.id, topic: t.topic, messages: t.count }),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      if (!res.ok) {
        this.ctx.logger.warn('transaction check-back answered an error status', { transactionId: t.id, status: res.status });
        return 'unknown';
      }
      const body = (await res.json()) as { action?: unknown };
      if (body?.action === 'commit' || body?.action === 'rollback' || body?.action === 'unknown') return body.action;
      this.ctx.logger.warn('transaction check-back answered no known action', { transactionId: t.id });
      return 'unknown';
    } catch (err) {
      this.ctx.logger.warn('transaction check-back request failed', { transactionId: t.id, error: String(err) });
      return 'unknown';
    }
  }
}
