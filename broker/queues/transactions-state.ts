/**
 * Transactional (half) messages: their durable state. A prepared transaction's messages live in
 * the queue journal itself (the `txn` event carries them), not in the topic, so neither queue
 * subscriptions nor Kafka consumers can see them before commit. Every change is one event applied
 * by one method of TxnTable, live and on replay, like the rest of state.ts.
 *
 * States: 'pending' -> 'committing' -> 'committed'; 'pending' -> 'rolledback'.
 * 'committing' is written before the messages are appended to the topic, so a crash between the
 * two is finished on the next start (the append is idempotent, see transactions.ts).
 */
import type { Bytes } from '../records/encoder.js';
import type { PublishMessage, PublishResult } from './types.js';

export type TxnStatus = 'pending' | 'committing' | 'committed' | 'rolledback';

/** Bytes as JSON: text as is, binary as base64. */
export type StoredBytes = string | { b64: string };

export interface StoredMessage {
  k?: StoredBytes | null;
  v: StoredBytes | null;
  h?: Record<string, StoredBytes>;
  partition?: number;
  deliverAt?: number;
  delayMs?: number;
  ttlMs?: number;
  idempotencyKey?: string;
}

export interface TxnRecord {
  id: string;
  topic: string;
  /** Emptied once the transaction ends (the count stays). */
  messages: StoredMessage[];
  count: number;
  checkBackUrl?: string;
  timeoutMs: number;
  createdAt: number;
  /** When the next check-back (or, without a URL, the timeout rollback) is due. */
  deadline: number;
  /** Check-backs made so far that did not settle the transaction. */
  attempts: number;
  state: TxnStatus;
  endedAt?: number;
  results?: PublishResult[];
  reason?: string;
}

export type TxnEvent =
  | { e: 'txn'; t: TxnRecord }
  | { e: 'txn-check'; id: string; attempts: number; deadline: number }
  | { e: 'txn-state'; id: string; state: Exclude<TxnStatus, 'pending'>; at: number; results?: PublishResult[]; reason?: string };

/** Ended transactions remembered so a late commit/rollback gets a precise answer. */
export const MAX_ENDED_TXNS = 10_000;

export class TxnTable {
  readonly byId = new Map<string, TxnRecord>();
  /** Ended ids, oldest end first, for forgetting the oldest beyond MAX_ENDED_TXNS. */
  private readonly ended: string[] = [];

  apply(ev: TxnEvent): void {
    if (ev.e === 'txn') {
      this.byId.set(ev.t.id, { ...ev.t });
      return;
    }
    const t = this.byId.get(ev.id);
    if (!t) return;
    if (ev.e === 'txn-check') {
      if (t.state !== 'pending') return;
      t.attempts = ev.attempts;
      t.deadline = ev.deadline;
      return;
    }
    this.changeState(t, ev);
  }

  /** pending -> committing | rolledback; committing -> committed. Other moves are ignored. */
  private changeState(t: TxnRecord, ev: Extract<TxnEvent, { e: 'txn-state' }>): void {
    const allowed = (t.state === 'pending' && (ev.state === 'committing' || ev.state === 'rolledback')) || (t.state === 'committing' && ev.state === 'committed');
    if (!allowed) return;
    t.state = ev.state;
    if (ev.state === 'committing') return;
    t.endedAt = ev.at;
    t.messages = [];
    if (ev.results) t.results = ev.results;
    if (ev.reason) t.reason = ev.reason;
    this.ended.push(t.id);
    while (this.ended.length > MAX_ENDED_TXNS) this.byId.delete(this.ended.shift()!);
  }

  snapshot(): TxnRecord[] {
    const endedOrder = new Map(this.ended.map((id, i) => [id, i]));
    // Ended ones in end order, so a replay of the snapshot rebuilds the same eviction order.
    const live = [...this.byId.values()].filter((t) => !endedOrder.has(t.id));
    const done = this.ended.map((id) => this.byId.get(id)!).filter(Boolean);
    return [...live, ...done];
  }

  restore(list: readonly TxnRecord[]): void {
    this.byId.clear();
    this.ended.length = 0;
    for (const t of list) {
      this.byId.set(t.id, { ...t });
      if (t.state === 'committed' || t.state === 'rolledback') this.ended.push(t.id);
    }
  }
}

export function storeBytes(b: Bytes): StoredBytes {
  return typeof b === 'string' ? b : { b64: Buffer.from(b).toString('base64') };
}

export function loadBytes(b: StoredBytes): Bytes {
  return typeof b === 'string' ? b : Buffer.from(b.b64, 'base64');
}

export function storeMessage(m: PublishMessage): StoredMessage {
  const out: StoredMessage = { v: m.value === null ? null : storeBytes(m.value) };
  if (m.key !== undefined) out.k = m.key === null ? null : storeBytes(m.key);
  if (m.headers) out.h = Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, storeBytes(v)]));
  for (const f of ['partition', 'deliverAt', 'delayMs', 'ttlMs', 'idempotencyKey'] as const) if (m[f] !== undefined) (out as unknown as Record<string, unknown>)[f] = m[f];
  return out;
}

export function loadMessage(s: StoredMessage): PublishMessage {
  const out: PublishMessage = { value: s.v === null ? null : loadBytes(s.v) };
  if (s.k !== undefined) out.key = s.k === null ? null : loadBytes(s.k);
  if (s.h) out.headers = Object.fromEntries(Object.entries(s.h).map(([k, v]) => [k, loadBytes(v)]));
  for (const f of ['partition', 'deliverAt', 'delayMs', 'ttlMs', 'idempotencyKey'] as const) if (s[f] !== undefined) (out as unknown as Record<string, unknown>)[f] = s[f];
  return out;
}
