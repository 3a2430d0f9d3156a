/**
 * The queue layer, in process: reliable-delivery subscriptions on top of the broker's log.
 * `startQueues(store)` replays the durable state and starts the expiry timer; `close()` stops it,
 * waits for journal writes and writes a snapshot so the next start replays little.
 *
 * Engine states: 'open' -> 'closing' -> 'closed'; 'open' -> 'failed' when the journal cannot
 * write (every call then throws QUEUE_STATE_FAILED; restart to recover from the log).
 */
import { SluiceError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import type { LogStore } from '../storage/types.js';
import type { QueueContext } from './context.js';
import { validateBacklogLimit } from './backlog.js';
import { IdempotencyIndex } from './idempotency.js';
import { QUEUE_STATE_TOPIC, StateJournal } from './journal.js';
import { publish } from './publish.js';
import { receive } from './receive.js';
import { ack, expireLeases, extend, nack } from './settle.js';
import { QueueState, type QueueEvent, type SubState } from './state.js';
import { attemptsHistogram, type AttemptsHistogram } from './stats.js';
import { CheckBacks, type CheckBackOptions } from './transactions-checkback.js';
import { Transactions, type PendingTransaction, type PrepareOptions, type TransactionOutcome } from './transactions.js';
import type { SubscriptionConfigInput } from './subscription-config.js';
import { validateTopicTtl } from './ttl.js';
import { archiveBeforeRetention, guardedTopics, holdRetention } from './retention-guard.js';
import { validateArchiveBeforeRetention, validateBacklogPolicy, type BacklogPolicy } from './topic-policy.js';
import { createSubscription, deleteSubscription, describeSubscription, listSubscriptions, updateSubscription, type CreateSubscriptionOptions } from './subscriptions.js';
import type { NackOptions, PublishMessage, PublishResult, ReceivedMessage, ReceiveOptions, SubscriptionDescription, SubscriptionInfo } from './types.js';

export interface QueueEngineOptions {
  /** Clock (tests move time by hand). Default Date.now. */
  now?: () => number;
  /** Jitter source. Default Math.random. */
  random?: () => number;
  /** Lease-expiry timer period; 0 disables it (tests call tick()). Default 100 ms. */
  tickMs?: number;
  /** Journal events between snapshots. Default 20 000. */
  snapshotEvery?: number;
  /** How long an idempotency key deduplicates publishes. Default 15 minutes; the first keyed
   * publish to a topic after a start reads this much of the topic. */
  idempotencyWindowMs?: number;
  logger?: Logger;
  /** Check-back retries of transactional (half) messages. */
  checkBack?: CheckBackOptions;
}

type EngineState = 'open' | 'closing' | 'closed';

export async function startQueues(store: LogStore, options: QueueEngineOptions = {}): Promise<QueueEngine> {
  const engine = new QueueEngine(store, options);
  await engine.open();
  return engine;
}

export class QueueEngine {
  private status: EngineState = 'open';
  private readonly state = new QueueState();
  private readonly journal: StateJournal;
  private readonly ctx: QueueContext;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly locks = new WeakMap<SubState, Promise<unknown>>();
  /** Exclusive sections and background moves still running; close waits for them. */
  private readonly running = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly txns: Transactions;
  private readonly checkBacks: CheckBacks;

  constructor(
    private readonly store: LogStore,
    private readonly options: QueueEngineOptions = {},
  ) {
    this.journal = new StateJournal(store, options.snapshotEvery ?? 20_000, () => this.state.snapshot());
    const self = this;
    this.ctx = {
      store,
      state: this.state,
      journal: this.journal,
      logger: options.logger ?? createLogger('queues'),
      idempotency: new IdempotencyIndex(store, options.idempotencyWindowMs ?? 15 * 60_000),
      settling: new Set(),
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      commit(events: QueueEvent[]) {
        for (const ev of events) self.state.apply(ev);
        return self.journal.write(events);
      },
      wake: (topic) => this.wake(topic),
      waitFor: (topic, ms) => this.waitFor(topic, ms),
      assertOpen: () => this.assertOpen(),
      exclusive: (sub, fn) => this.exclusive(sub, fn),
      track: (work) => this.track(work),
    };
    this.txns = new Transactions(this.ctx);
    this.checkBacks = new CheckBacks(this.ctx, this.txns, options.checkBack);
  }

  /** Replays the journal (snapshot plus later events) and starts the timer. The journal's topic
   * is created by the first write, so a broker that never used queues has no extra topic. */
  async open(): Promise<void> {
    this.store.setBeforeRetentionDelete(holdRetention('the queue layer is replaying its journal'));
    if (this.store.getTopic(QUEUE_STATE_TOPIC)) {
      for await (const ev of StateJournal.replay(this.store)) this.state.apply(ev);
    }
    this.unsubscribe = this.store.onAppend((topic) => this.wake(topic));
    this.store.setBeforeRetentionDelete(this.beforeRetentionDelete);
    this.txns.resumeCommits();
    const tickMs = this.options.tickMs ?? 100;
    if (tickMs > 0) {
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.status !== 'open') return;
    this.status = 'closing';
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    // Not undefined: the store may stay open (or run retention before it closes), and messages
    // subscriptions still owe must wait for the archive step of the next open.
    this.store.setBeforeRetentionDelete(holdRetention('the queue layer is closed', guardedTopics(this.ctx)));
    for (const set of this.waiters.values()) for (const w of set) w();
    // Twice: a receive that finishes can start an archive move, a move can finish a receive.
    for (let i = 0; i < 2; i++) await Promise.allSettled([...this.running]);
    // A snapshot makes the next start's replay short; with no journal yet there is nothing to shorten.
    if (!this.journal.error && this.store.getTopic(QUEUE_STATE_TOPIC)) await this.journal.snapshotNow().catch(() => {});
    await this.journal.close();
    this.status = 'closed';
  }

  createSubscription(topic: string, name: string, options?: CreateSubscriptionOptions): Promise<SubscriptionInfo> {
    return createSubscription(this.ctx, topic, name, options);
  }
  updateSubscription(topic: string, name: string, changes: SubscriptionConfigInput): Promise<SubscriptionInfo> {
    return updateSubscription(this.ctx, topic, name, changes);
  }
  deleteSubscription(topic: string, name: string): Promise<void> {
    return deleteSubscription(this.ctx, topic, name);
  }
  describeSubscription(topic: string, name: string): SubscriptionDescription {
    return describeSubscription(this.ctx, topic, name);
  }
  listSubscriptions(topic?: string): SubscriptionDescription[] {
    return listSubscriptions(this.ctx, topic);
  }
  /** Unsettled messages by attempt, plus dead-lettered (stats.ts). */
  attemptsHistogram(topic: string, name: string): AttemptsHistogram {
    return attemptsHistogram(this.ctx, topic, name);
  }
  publish(topic: string, messages: readonly PublishMessage[]): Promise<PublishResult[]> {
    return publish(this.ctx, topic, messages);
  }
  receive(topic: string, subscription: string, options?: ReceiveOptions): Promise<ReceivedMessage[]> {
    return receive(this.ctx, topic, subscription, options);
  }
  ack(receipts: readonly string[]): Promise<void> {
    return ack(this.ctx, receipts);
  }
  nack(receipt: string, options?: NackOptions): Promise<{ redeliverAt?: number; deadLettered: boolean }> {
    return nack(this.ctx, receipt, options);
  }
  extend(receipt: string, ms: number): Promise<{ leaseExpiresAt: number }> {
    return extend(this.ctx, receipt, ms);
  }

  /** Stores a batch no consumer sees until commit (transactions.ts). */
  prepare(topic: string, messages: readonly PublishMessage[], options: PrepareOptions): Promise<{ transactionId: string }> {
    return this.txns.prepare(topic, messages, options);
  }
  commitTransaction(id: string): Promise<TransactionOutcome> {
    return this.txns.commit(id);
  }
  rollbackTransaction(id: string): Promise<TransactionOutcome> {
    return this.txns.rollback(id);
  }
  listPendingTransactions(topic?: string): PendingTransaction[] {
    return this.txns.listPending(topic);
  }

  /** Sets (or with null clears) the default TTL of messages of `topic` without their own. */
  async setTopicTtl(topic: string, defaultTtlMs: number | null): Promise<void> {
    this.assertOpen();
    if (!this.store.getTopic(topic)) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
    await this.ctx.commit([{ e: 'topic', topic, defaultTtlMs: validateTopicTtl(defaultTtlMs) }]);
  }

  topicTtl(topic: string): number | null {
    return this.state.topicTtl.get(topic) ?? null;
  }

  /** Sets (or with null clears) the topic's backlog limit; see backlog.ts. */
  async setBacklogLimit(topic: string, maxBacklog: number | null): Promise<void> {
    this.assertOpen();
    if (!this.store.getTopic(topic)) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
    await this.ctx.commit([{ e: 'backlog', topic, max: validateBacklogLimit(maxBacklog) }]);
  }

  backlogLimit(topic: string): number | null {
    return this.state.backlogLimit.get(topic) ?? null;
  }

  /** What a publish into a full backlog does: 'reject' (default) or 'archive-oldest' (backlog-archive.ts). */
  async setBacklogPolicy(topic: string, policy: BacklogPolicy): Promise<void> {
    this.assertOpen();
    if (!this.store.getTopic(topic)) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
    await this.ctx.commit([{ e: 'policy', topic, backlogPolicy: validateBacklogPolicy(policy) }]);
  }

  backlogPolicy(topic: string): BacklogPolicy {
    return this.state.policies.get(topic).backlogPolicy;
  }

  /** Whether retention archives unsettled messages before deleting them (default true; retention-guard.ts). */
  async setArchiveBeforeRetention(topic: string, on: boolean): Promise<void> {
    this.assertOpen();
    if (!this.store.getTopic(topic)) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
    await this.ctx.commit([{ e: 'policy', topic, archiveBeforeRetention: validateArchiveBeforeRetention(on) }]);
  }

  archiveBeforeRetention(topic: string): boolean {
    return this.state.policies.get(topic).archiveBeforeRetention;
  }

  /** The store's before-retention hook while the engine is open; close waits for a run in progress. */
  private readonly beforeRetentionDelete = (topic: string, partition: number, from: number, to: number): Promise<void> => {
    const work = archiveBeforeRetention(this.ctx, topic, partition, from, to);
    this.track(work);
    return work;
  };

  /** Expires due leases of every subscription (the timer calls this). */
  tick(): void {
    if (this.status !== 'open' || this.journal.error) return;
    for (const sub of this.state.subs.values()) expireLeases(this.ctx, sub);
    this.checkBacks.tick();
    this.txns.resumeCommits();
  }

  /** Resolves when every journal write so far is durable and a snapshot is written (tests). */
  snapshot(): Promise<void> {
    return this.journal.snapshotNow();
  }

  private assertOpen(): void {
    if (this.journal.error) throw this.journal.error;
    if (this.status !== 'open') throw new SluiceError('STORE_CLOSED', `queue engine is ${this.status}`);
  }

  private wake(topic: string): void {
    const set = this.waiters.get(topic);
    if (!set) return;
    this.waiters.delete(topic);
    for (const w of set) w();
  }

  private waitFor(topic: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(topic);
      if (!set) this.waiters.set(topic, (set = new Set()));
      const done = () => {
        clearTimeout(timer);
        set!.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(() => {});
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  private exclusive<T>(sub: SubState, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(sub) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const settled = run.catch(() => {});
    this.locks.set(sub, settled);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return run;
  }
}
