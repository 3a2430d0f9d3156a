/**
 * What the queue operations (publish.ts, receive.ts, settle.ts, subscriptions.ts) share: the
 * store, the state, the journal, the clock, and the one way to change state (`commit`).
 */
import { SluiceError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LogStore } from '../storage/types.js';
import type { IdempotencyIndex } from './idempotency.js';
import type { StateJournal } from './journal.js';
import type { QueueEvent, QueueState, SubState } from './state.js';

export interface QueueContext {
  readonly store: LogStore;
  readonly state: QueueState;
  readonly journal: StateJournal;
  readonly logger: Logger;
  readonly idempotency: IdempotencyIndex;
  now(): number;
  random(): number;
  /** Applies the events to memory now, in order, and resolves once they are durable. Callers
   * answer their own caller only after that. */
  commit(events: QueueEvent[]): Promise<void>;
  /** Wakes long polls on `topic` (new messages or redeliveries). */
  wake(topic: string): void;
  /** Resolves on the next wake of `topic`, or after `ms`. */
  waitFor(topic: string, ms: number): Promise<void>;
  /** Messages being moved to a dead-letter or archive topic: `topic\nsub\np:o`. Receipts for them
   * are refused and expiry skips them, so a message is settled once. */
  readonly settling: Set<string>;
  /** Keeps `work` (a move started without a caller waiting on it) for close() to wait on. */
  track(work: Promise<unknown>): void;
  /** Throws unless the engine is open and its journal healthy. */
  assertOpen(): void;
  /** Runs `fn` alone for this subscription (selection of messages to lease). */
  exclusive<T>(sub: SubState, fn: () => Promise<T>): Promise<T>;
}

export function requireSub(ctx: QueueContext, topic: string, name: string): SubState {
  const sub = ctx.state.get(topic, name);
  if (!sub) throw new SluiceError('UNKNOWN_SUBSCRIPTION', `topic ${topic} has no subscription ${name}`, { topic, subscription: name });
  return sub;
}

export const settlingKey = (topic: string, name: string, p: number, o: number): string => `${topic}\n${name}\n${p}:${o}`;
