/**
 * The durable queue state and the events that change it. Every change is one event applied by
 * one function below, both live (engine: apply, then journal, then answer the caller once the
 * journal write is durable) and on start (replay of the journal). So a replayed state is the live
 * state as of the last durable event, by construction.
 *
 * Per subscription and partition a message is, implicitly:
 *   fresh   - no entry: below the log end, at or above the cursor, not in `done`, no `meta`
 *   leased  - meta.state 'leased': a consumer holds it until `until` (token in the receipt)
 *   retry   - meta.state 'retry': waiting for redelivery at `due`
 *   settled - in `done` (acked, dead-lettered, archived, or not a message), or below `cursor`
 */
import type { DecodedRecord } from '../records/decoder.js';
import { TimeHeap } from './heap.js';
import { OffsetMap } from './offset-map.js';
import { TxnTable, type TxnEvent, type TxnRecord } from './transactions-state.js';
import { TopicPolicies, type PolicyEvent, type TopicPolicy } from './topic-policy.js';
import type { SubscriptionConfig, SubscriptionInfo } from './types.js';

export type SettleHow = 'ack' | 'dead' | 'expired';
export type FailureKind = 'nack' | 'lease-expired';

export interface MessageMeta {
  state: 'leased' | 'retry';
  attempts: number;
  /** leased: the receive call's token and the lease end. */
  tok?: string;
  until?: number;
  /** retry: when the message may be leased again. */
  due?: number;
  /** Ordering key (hash) when the subscription orders by key. */
  key?: string | null;
  firstFailure?: number;
  lastFailure?: number;
  lastKind?: FailureKind;
  lastMessage?: string;
  /** One object for every message of a lease event that was leased for the first time (they
   * hold the same values), so a receive of 500 allocates one object, not 500: copy before
   * changing it (PartState.own). In a consume of 200,000 messages through the HTTP API, one
   * object per message and its Map entry were 11 % of the server's CPU samples (applyLease),
   * 0.3 % after. Runtime only; a snapshot's copies are each their own. */
  shared?: boolean;
}

export type QueueEvent =
  | { e: 'sub'; info: SubscriptionInfo; cursors?: Record<string, number> }
  | { e: 'unsub'; topic: string; name: string }
  | { e: 'lease'; topic: string; name: string; p: number; o: number[]; tok: string; until: number; keys?: Array<string | null> }
  | { e: 'extend'; topic: string; name: string; p: number; o: number; tok: string; until: number }
  | { e: 'retry'; topic: string; name: string; p: number; o: number; due: number; at: number; kind: FailureKind; msg?: string }
  | { e: 'done'; topic: string; name: string; p: number; o: number[]; how: SettleHow }
  | { e: 'topic'; topic: string; defaultTtlMs: number | null }
  | { e: 'backlog'; topic: string; max: number | null }
  | TxnEvent
  | PolicyEvent
  | { e: 'snap'; subs: SubSnapshot[]; topicTtl?: Record<string, number>; backlog?: Record<string, number>; txns?: TxnRecord[]; policies?: Record<string, TopicPolicy> };

export interface SubSnapshot {
  info: SubscriptionInfo;
  counters: SubState['counters'];
  parts: Array<{ p: number; cursor: number; done: number[]; meta: Array<[number, MessageMeta]> }>;
}

export class PartState {
  /** Every offset below is settled. */
  cursor: number;
  /** Settled offsets at or above the cursor. */
  readonly done = new Set<number>();
  readonly meta = new OffsetMap<MessageMeta>();
  // Runtime only, rebuilt by reading the log from the cursor after a restart:
  /** Next offset to read from the log. */
  readPos: number;
  /** Read, fresh and free to lease, in offset order. */
  fresh: DecodedRecord[] = [];

  constructor(cursor: number) {
    this.cursor = cursor;
    this.readPos = cursor;
  }

  isSettled(o: number): boolean {
    return o < this.cursor || this.done.has(o);
  }

  /** Marks one offset settled and moves the cursor over every settled offset it now touches. */
  settle(o: number): void {
    if (o < this.cursor) return;
    if (o === this.cursor) {
      // In-order settles (the common case) move the cursor without touching the set.
      this.cursor++;
      if (this.done.size > 0) while (this.done.delete(this.cursor)) this.cursor++;
    } else {
      this.done.add(o);
    }
    if (this.readPos < this.cursor) this.readPos = this.cursor;
  }

  /** The meta of `o`, made its own (copied from a shared one) so it can be changed. */
  own(o: number, m: MessageMeta): MessageMeta {
    if (!m.shared) return m;
    const copy = { ...m, shared: false };
    this.meta.set(o, copy);
    return copy;
  }

  /** Retention removed everything below `start`: nothing there can be delivered any more. */
  jumpTo(start: number): void {
    if (start <= this.cursor) return;
    for (const o of this.done) if (o < start) this.done.delete(o);
    for (const o of this.meta.keys()) if (o < start) this.meta.delete(o);
    this.cursor = start;
    while (this.done.delete(this.cursor)) this.cursor++;
    this.readPos = Math.max(this.readPos, this.cursor);
    this.fresh = this.fresh.filter((r) => r.offset >= this.cursor);
  }
}

/** A new meta for a lease event's message. Every field present from the start, so all metas
 * share one object shape. */
function leasedMeta(ev: Extract<QueueEvent, { e: 'lease' }>, attempts: number, shared: boolean): MessageMeta {
  return { state: 'leased', attempts, tok: ev.tok, until: ev.until, due: undefined, key: undefined, firstFailure: undefined, lastFailure: undefined, lastKind: undefined, lastMessage: undefined, shared };
}

export class SubState {
  readonly parts = new Map<number, PartState>();
  readonly counters = { acked: 0, deadLettered: 0, expired: 0 };
  inFlight = 0;
  retrying = 0;
  /** Lease ends, one entry per lease event (all its offsets share `until` and the token), so a
   * receive of 500 messages adds one entry, not 500 that outlive their acks. */
  readonly leaseHeap = new TimeHeap<{ at: number; p: number; o: readonly number[]; tok: string }>();
  readonly retryHeap = new TimeHeap<{ at: number; p: number; o: number }>();
  /** Ordering: key -> the earliest outstanding message with it, as `p:o`. */
  readonly keyHolds = new Map<string, string>();
  /** Delayed messages read from the log and not yet due, by due time. Runtime only: the
   * schedule's durable form is the `sluice-deliver-at` header in the log, found again by the
   * rescan after a restart. `delayed` holds the same messages as `p:o`, for counting. */
  readonly delayHeap = new TimeHeap<{ at: number; p: number; o: number }>();
  readonly delayed = new Set<string>();
  /** Ordering: messages read from the log whose key is held, in offset order. Runtime only. */
  readonly waiting = new Map<string, Array<{ p: number; rec: DecodedRecord }>>();

  constructor(public info: SubscriptionInfo) {}

  get config(): SubscriptionConfig {
    return this.info.config;
  }

  part(p: number): PartState {
    let ps = this.parts.get(p);
    // A partition the subscription has not seen was added after it was created: all of it is new.
    if (!ps) this.parts.set(p, (ps = new PartState(0)));
    return ps;
  }

  /** fresh|retry -> leased. Counts one more attempt per message. */
  applyLease(ev: Extract<QueueEvent, { e: 'lease' }>): void {
    const ps = this.part(ev.p);
    // Messages leased for the first time share one meta (see MessageMeta.shared) unless each
    // has its own ordering key. A plain loop with one map lookup per offset: this runs for every
    // message delivered.
    let first: MessageMeta | undefined;
    for (let i = 0; i < ev.o.length; i++) {
      const o = ev.o[i]!;
      const key = ev.keys?.[i];
      let m = ps.meta.get(o);
      if (m === undefined) {
        this.inFlight++;
        if (key === undefined) {
          first ??= leasedMeta(ev, 1, true);
          ps.meta.set(o, first);
          continue;
        }
        m = leasedMeta(ev, 0, false);
        ps.meta.set(o, m);
      } else {
        m = ps.own(o, m);
        if (m.state === 'retry') this.retrying--;
        if (m.state !== 'leased') this.inFlight++;
        m.state = 'leased';
      }
      m.attempts++;
      m.tok = ev.tok;
      m.until = ev.until;
      m.due = undefined;
      if (key !== undefined) m.key = key;
      if (typeof m.key === 'string') this.keyHolds.set(m.key, `${ev.p}:${o}`);
    }
    this.leaseHeap.push({ at: ev.until, p: ev.p, o: ev.o, tok: ev.tok });
  }

  /** leased -> leased with a later (or earlier) end. */
  applyExtend(ev: Extract<QueueEvent, { e: 'extend' }>): void {
    const ps = this.part(ev.p);
    const found = ps.meta.get(ev.o);
    if (!found || found.state !== 'leased' || found.tok !== ev.tok) return;
    ps.own(ev.o, found).until = ev.until;
    this.leaseHeap.push({ at: ev.until, p: ev.p, o: [ev.o], tok: ev.tok });
  }

  /** leased -> retry at `due` (nack or lease expiry). Keeps the key held, so FIFO holds. */
  applyRetry(ev: Extract<QueueEvent, { e: 'retry' }>): void {
    const ps = this.part(ev.p);
    const found = ps.meta.get(ev.o);
    // The same retry applied twice must not schedule the message twice.
    if (!found || (found.state === 'retry' && found.due === ev.due)) return;
    const m = ps.own(ev.o, found);
    if (m.state === 'leased') this.inFlight--;
    if (m.state !== 'retry') this.retrying++;
    m.state = 'retry';
    m.tok = undefined;
    m.until = undefined;
    m.due = ev.due;
    m.firstFailure ??= ev.at;
    m.lastFailure = ev.at;
    m.lastKind = ev.kind;
    m.lastMessage = ev.msg;
    this.retryHeap.push({ at: ev.due, p: ev.p, o: ev.o });
  }

  /** any -> settled. Releases the message's key and hands it to the next waiting message. */
  applyDone(ev: Extract<QueueEvent, { e: 'done' }>): void {
    const ps = this.part(ev.p);
    for (const o of ev.o) {
      if (ps.isSettled(o)) continue;
      const m = ps.meta.get(o);
      if (m?.state === 'leased') this.inFlight--;
      if (m?.state === 'retry') this.retrying--;
      ps.meta.delete(o);
      ps.settle(o);
      if (ev.how === 'ack') this.counters.acked++;
      else if (ev.how === 'dead') this.counters.deadLettered++;
      else this.counters.expired++;
      if (typeof m?.key === 'string' && this.keyHolds.get(m.key) === `${ev.p}:${o}`) this.releaseKey(m.key);
    }
  }

  /** The held message of `key` is settled: the next waiting one (if any) becomes fresh and
   * takes the hold. */
  releaseKey(key: string): void {
    this.keyHolds.delete(key);
    const queue = this.waiting.get(key);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(key);
    if (!next) return;
    this.keyHolds.set(key, `${next.p}:${next.rec.offset}`);
    const ps = this.part(next.p);
    // Keep fresh in offset order: the waiting message is older than later fresh ones.
    const at = ps.fresh.findIndex((r) => r.offset > next.rec.offset);
    if (at < 0) ps.fresh.push(next.rec);
    else ps.fresh.splice(at, 0, next.rec);
  }

  snapshot(): SubSnapshot {
    return {
      info: this.info,
      counters: { ...this.counters },
      parts: [...this.parts].map(([p, ps]) => ({ p, cursor: ps.cursor, done: [...ps.done], meta: ps.meta.entries() })),
    };
  }

  static fromSnapshot(s: SubSnapshot): SubState {
    const sub = new SubState(s.info);
    Object.assign(sub.counters, s.counters);
    for (const part of s.parts) {
      const ps = new PartState(part.cursor);
      for (const o of part.done) ps.done.add(o);
      for (const [o, m] of part.meta) {
        m.shared = false; // each parsed from JSON on its own
        ps.meta.set(o, m);
        if (m.state === 'leased') {
          sub.inFlight++;
          sub.leaseHeap.push({ at: m.until!, p: part.p, o: [o], tok: m.tok! });
        } else {
          sub.retrying++;
          sub.retryHeap.push({ at: m.due!, p: part.p, o });
        }
        if (typeof m.key === 'string') sub.keyHolds.set(m.key, `${part.p}:${o}`);
      }
      sub.parts.set(part.p, ps);
    }
    return sub;
  }
}

export const subKey = (topic: string, name: string): string => `${topic}\n${name}`;

/** All subscriptions, keyed by topic and name; `apply` is the single entry for every event. */
export class QueueState {
  readonly subs = new Map<string, SubState>();
  /** Per-topic default TTL (ms), for topics that have one. */
  readonly topicTtl = new Map<string, number>();
  /** Per-topic backlog limit (messages unsettled in any one subscription). */
  readonly backlogLimit = new Map<string, number>();
  /** Transactional (half) messages, pending and recently ended (transactions-state.ts). */
  readonly txns = new TxnTable();
  /** Per-topic backlog overflow policy and archive-before-retention (topic-policy.ts). */
  readonly policies = new TopicPolicies();

  get(topic: string, name: string): SubState | undefined {
    return this.subs.get(subKey(topic, name));
  }

  apply(ev: QueueEvent): void {
    switch (ev.e) {
      case 'topic':
        if (ev.defaultTtlMs === null) this.topicTtl.delete(ev.topic);
        else this.topicTtl.set(ev.topic, ev.defaultTtlMs);
        return;
      case 'backlog':
        if (ev.max === null) this.backlogLimit.delete(ev.topic);
        else this.backlogLimit.set(ev.topic, ev.max);
        return;
      case 'snap':
        this.subs.clear();
        this.topicTtl.clear();
        this.backlogLimit.clear();
        for (const [t, ttl] of Object.entries(ev.topicTtl ?? {})) this.topicTtl.set(t, ttl);
        for (const [t, max] of Object.entries(ev.backlog ?? {})) this.backlogLimit.set(t, max);
        for (const s of ev.subs) this.subs.set(subKey(s.info.topic, s.info.name), SubState.fromSnapshot(s));
        this.txns.restore(ev.txns ?? []);
        this.policies.restore(ev.policies ?? {});
        return;
      case 'policy':
        this.policies.apply(ev);
        return;
      case 'txn':
      case 'txn-check':
      case 'txn-state':
        return this.txns.apply(ev);
      case 'sub': {
        const existing = this.get(ev.info.topic, ev.info.name);
        if (existing) {
          existing.info = ev.info;
          return;
        }
        const sub = new SubState(ev.info);
        for (const [p, c] of Object.entries(ev.cursors ?? {})) sub.parts.set(Number(p), new PartState(c));
        this.subs.set(subKey(ev.info.topic, ev.info.name), sub);
        return;
      }
      case 'unsub':
        this.subs.delete(subKey(ev.topic, ev.name));
        return;
      case 'lease':
        return this.get(ev.topic, ev.name)?.applyLease(ev);
      case 'extend':
        return this.get(ev.topic, ev.name)?.applyExtend(ev);
      case 'retry':
        return this.get(ev.topic, ev.name)?.applyRetry(ev);
      case 'done':
        return this.get(ev.topic, ev.name)?.applyDone(ev);
    }
  }

  snapshot(): Extract<QueueEvent, { e: 'snap' }> {
    return { e: 'snap', subs: [...this.subs.values()].map((s) => s.snapshot()), topicTtl: Object.fromEntries(this.topicTtl), backlog: Object.fromEntries(this.backlogLimit), txns: this.txns.snapshot(), policies: this.policies.snapshot() };
  }
}
