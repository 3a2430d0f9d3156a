/**
 * The in-memory model of one subscription ('s') of one topic: what every message should be
 * (fresh, leased, waiting for redelivery, acked, dead-lettered, archived as expired), when it may
 * be delivered (delay) and until when (TTL), which idempotency keys are remembered, and the
 * topic's default TTL, backlog limit and overflow policy. Pure functions only; the commands
 * compare the engine against what these say.
 */
import type { BacklogPolicy } from '../../../../broker/queues/topic-policy.js';

export const LEASE = 1000;
export const BACKOFF = 300;
export const MAX_ATTEMPTS = 3;
/** Engine option idempotencyWindowMs: a few advance steps, so keys both repeat and lapse. */
export const IDEMPOTENCY_WINDOW = 4000;

export type MsgState = 'fresh' | 'leased' | 'retry' | 'acked' | 'dead' | 'expired';

export interface ModelMsg {
  value: string;
  /** Record timestamp: the clock at publish. */
  ts: number;
  /** Not receivable before this (sluice-deliver-at). */
  deliverAt?: number;
  /** From the message's own ttlMs (sluice-expires-at); the topic default applies otherwise. */
  ownExpiry?: number;
  state: MsgState;
  attempts: number;
  until: number;
  due: number;
  receipt: string;
  /** Why it was archived, as the archive copy must say (`ttl passed at <ms>` or `backlog-overflow`). */
  archivedReason?: string;
  /** The clock when it was archived (`sluice-archived-time`). */
  archivedAt?: number;
}

export interface Model {
  msgs: Map<string, ModelMsg>;
  receipts: Array<{ receipt: string; id: string }>;
  /** Idempotency key -> the first message's id and when it was published. */
  keys: Map<string, { id: string; at: number }>;
  topicTtl: number | null;
  backlogLimit: number | null;
  backlogPolicy: BacklogPolicy;
  /** Makes every published value unique, so a delivered value names its message. */
  seq: number;
}

export const newModel = (): Model => ({ msgs: new Map(), receipts: [], keys: new Map(), topicTtl: null, backlogLimit: null, backlogPolicy: 'reject', seq: 0 });

const settled = (x: ModelMsg) => x.state === 'acked' || x.state === 'dead' || x.state === 'expired';

/** Expiry as the engine reads it at lease time: own header first, else the topic's current default. */
export function expiryOf(m: Model, x: ModelMsg): number | undefined {
  if (x.ownExpiry !== undefined) return x.ownExpiry;
  return m.topicTtl === null ? undefined : x.ts + m.topicTtl;
}

export function depth(m: Model): number {
  return [...m.msgs.values()].filter((x) => !settled(x)).length;
}

/** Messages a receive at `now` may consider, split into those it must lease and those it must
 * archive instead (TTL passed). */
export function available(m: Model, now: number): { live: Set<string>; expired: Set<string> } {
  const live = new Set<string>();
  const expired = new Set<string>();
  for (const [id, x] of m.msgs) {
    const ready = (x.state === 'fresh' && (x.deliverAt === undefined || x.deliverAt <= now)) || (x.state === 'retry' && x.due <= now);
    if (!ready) continue;
    const exp = expiryOf(m, x);
    (exp !== undefined && exp <= now ? expired : live).add(id);
  }
  return { live, expired };
}

/** Due lease expiries, as the engine's tick does them (a leased message is never TTL-expired). */
export function expireLeases(m: Model, now: number): void {
  for (const x of m.msgs.values()) {
    if (x.state !== 'leased' || x.until > now) continue;
    if (x.attempts >= MAX_ATTEMPTS) x.state = 'dead';
    else Object.assign(x, { state: 'retry', due: now + BACKOFF });
  }
}

/** The subscription's counts. `delayed` is a range: the engine counts a delayed publish only
 * once the subscription has read it from the log (and again only after a restart re-reads it). */
export function expectedCounts(m: Model, now: number) {
  const all = [...m.msgs.values()];
  const n = (f: (x: ModelMsg) => boolean) => all.filter(f).length;
  const retrying = n((x) => x.state === 'retry' && x.due > now);
  return {
    exact: {
      depth: n((x) => !settled(x)),
      inFlight: n((x) => x.state === 'leased'),
      acked: n((x) => x.state === 'acked'),
      deadLettered: n((x) => x.state === 'dead'),
      expired: n((x) => x.state === 'expired'),
    },
    delayed: { min: retrying, max: retrying + n((x) => x.state === 'fresh' && x.deliverAt !== undefined && x.deliverAt > x.ts) },
  };
}

export function expectedSettleCode(m: Model, id: string, receipt: string): string {
  const x = m.msgs.get(id)!;
  if (settled(x)) return 'MESSAGE_SETTLED';
  if (x.state === 'leased' && x.receipt === receipt) return 'ok';
  return 'STALE_RECEIPT';
}

/** What a publish of these keys must do: each message is new, a duplicate of a remembered
 * message, or a duplicate of an earlier message of the same batch. */
export type Fate = { kind: 'new' } | { kind: 'dup'; id: string } | { kind: 'batch-dup'; index: number };

export interface PublishPlan {
  fates: Fate[];
  /** 'full': BACKLOG_FULL, nothing appended or archived. A publish of duplicates only adds
   * nothing and always succeeds, even while the backlog is past the limit (a lowered limit). */
  outcome: 'ok' | 'full';
  /** Under archive-oldest: the messages a successful publish first archives (backlog-overflow). */
  archive: string[];
}

/** Oldest first as archive-oldest picks: record timestamp, then partition, then offset. */
function byAge(m: Model): (a: string, b: string) => number {
  return (a, b) => {
    const [pa, oa] = a.split(':').map(Number) as [number, number];
    const [pb, ob] = b.split(':').map(Number) as [number, number];
    return m.msgs.get(a)!.ts - m.msgs.get(b)!.ts || pa - pb || oa - ob;
  };
}

export function planPublish(m: Model, keys: ReadonlyArray<string | undefined>, now: number): PublishPlan {
  const firstInBatch = new Map<string, number>();
  const fates = keys.map((key, index): Fate => {
    if (key === undefined) return { kind: 'new' };
    const known = m.keys.get(key);
    // The window is measured from the first publish and includes its end (engine keeps at >= now - window).
    if (known && known.at >= now - IDEMPOTENCY_WINDOW) return { kind: 'dup', id: known.id };
    const first = firstInBatch.get(key);
    if (first !== undefined) return { kind: 'batch-dup', index: first };
    firstInBatch.set(key, index);
    return { kind: 'new' };
  });
  const adding = fates.filter((f) => f.kind === 'new').length;
  const limit = m.backlogLimit;
  const ok: PublishPlan = { fates, outcome: 'ok', archive: [] };
  const full: PublishPlan = { fates, outcome: 'full', archive: [] };
  if (adding === 0 || limit === null || depth(m) + adding <= limit) return ok;
  if (m.backlogPolicy === 'reject' || adding > limit) return full;
  // Waiting: unsettled and not leased (fresh, delayed, due or not, TTL passed or not, or retrying).
  const need = depth(m) + adding - limit;
  const waiting = [...m.msgs].filter(([, x]) => x.state === 'fresh' || x.state === 'retry').map(([id]) => id);
  if (waiting.length < need) return full;
  return { ...ok, archive: waiting.sort(byAge(m)).slice(0, need) };
}
