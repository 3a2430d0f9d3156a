/**
 * Receive: leases up to `max` messages of a subscription to the caller. Due redeliveries come
 * first (oldest due first), then fresh messages, partitions taken round robin. The lease is
 * journaled before the messages are returned, so attempt counts and receipts survive a crash.
 */
import { SluiceError } from '../errors.js';
import { countDelivered } from '../metrics/traffic.js';
import type { DecodedRecord } from '../records/decoder.js';
import { requireSub, settlingKey, type QueueContext } from './context.js';
import { deliverAtOf, popDueDelayed, schedule } from './delay.js';
import { keyId } from './key-id.js';
import { readChunk, readRecord } from './log-reader.js';
import { encodeReceipt, newLeaseToken } from './receipt.js';
import { ackEvents, expireLeases } from './settle.js';
import { archiveExpired, expiresAtOf } from './ttl.js';
import type { QueueEvent, SubState } from './state.js';
import { LIMITS, type ReceivedMessage, type ReceiveOptions } from './types.js';

interface Candidate {
  p: number;
  rec: DecodedRecord;
}

export async function receive(ctx: QueueContext, topic: string, name: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
  ctx.assertOpen();
  const sub = requireSub(ctx, topic, name);
  const max = options.max ?? 1;
  const leaseMs = options.leaseMs ?? sub.config.defaultLeaseMs;
  const waitMs = options.waitMs ?? 0;
  checkInt('max', max, 1, LIMITS.maxReceive);
  checkInt('leaseMs', leaseMs, LIMITS.minLeaseMs, LIMITS.maxLeaseMs);
  checkInt('waitMs', waitMs, 0, LIMITS.maxWaitMs);
  // Applied now; written with (usually in the same group commit as) the lease below, and durable
  // before this call answers. If that write fails, the call fails with it.
  const acked = options.ack && options.ack.length > 0 ? ctx.commit(ackEvents(ctx, options.ack)) : undefined;
  acked?.catch(() => {}); // awaited below, after the lease
  const got = await leaseWaiting(ctx, sub, max, leaseMs, waitMs);
  await acked;
  return got;
}

/** Leases what there is, or waits up to `waitMs` for a first message (long poll). */
async function leaseWaiting(ctx: QueueContext, sub: SubState, max: number, leaseMs: number, waitMs: number): Promise<ReceivedMessage[]> {
  const { topic, name } = sub.info;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const got = await leaseSome(ctx, sub, max, leaseMs);
    if (got.length > 0 || Date.now() >= deadline) return got;
    ctx.assertOpen();
    if (ctx.state.get(topic, name) !== sub) throw new SluiceError('UNKNOWN_SUBSCRIPTION', `subscription ${name} of ${topic} was deleted`, { topic, subscription: name });
    const nextDue = Math.min(sub.retryHeap.peek()?.at ?? Infinity, sub.leaseHeap.peek()?.at ?? Infinity, sub.delayHeap.peek()?.at ?? Infinity);
    const until = Math.min(deadline - Date.now(), Math.max(5, nextDue - ctx.now()));
    await ctx.waitFor(topic, Math.max(1, until));
  }
}

async function leaseSome(ctx: QueueContext, sub: SubState, max: number, leaseMs: number): Promise<ReceivedMessage[]> {
  const { topic, name } = sub.info;
  let committed: Promise<void> = Promise.resolve();
  const archiving: Promise<void>[] = [];
  const picked = await ctx.exclusive(sub, async () => {
    expireLeases(ctx, sub);
    const chosen: Candidate[] = [];
    // Repeat while everything picked had expired: there may be live messages behind them.
    for (let dropped = -1; chosen.length === 0 && dropped !== 0; ) {
      await takeRetries(ctx, sub, max, chosen);
      if (chosen.length < max) await takeDelayed(ctx, sub, max, chosen);
      if (chosen.length < max) await takeFresh(ctx, sub, max, chosen);
      dropped = dropExpired(ctx, sub, chosen, (work) => {
        archiving.push(work);
        ctx.track(work);
      });
    }
    if (chosen.length === 0) return chosen;
    const until = ctx.now() + leaseMs;
    const tok = newLeaseToken();
    const byP = new Map<number, Candidate[]>();
    for (const c of chosen) {
      let list = byP.get(c.p);
      if (!list) byP.set(c.p, (list = []));
      list.push(c);
    }
    const events: QueueEvent[] = [...byP].map(([p, list]) => ({
      e: 'lease',
      topic,
      name,
      p,
      o: list.map((c) => c.rec.offset),
      tok,
      until,
      ...(sub.config.ordering === 'key' ? { keys: list.map((c) => keyId(c.rec.key)) } : {}),
    }));
    // Applied now, inside the exclusive section; durability is awaited outside it so the next
    // receive can select while this lease is being written.
    committed = ctx.commit(events);
    return chosen;
  });
  await committed;
  for (const r of await Promise.allSettled(archiving)) {
    if (r.status === 'rejected') ctx.logger.error('queue expired-message archive failed', { topic, subscription: name, error: String(r.reason) });
  }
  let bytes = 0;
  for (const { rec } of picked) bytes += (rec.key?.length ?? 0) + (rec.value?.length ?? 0);
  countDelivered(topic, picked.length, bytes);
  return picked.map(({ p, rec }) => {
    const m = sub.part(p).meta.get(rec.offset);
    return {
      receipt: encodeReceipt({ topic, subscription: name, partition: p, offset: rec.offset, token: m?.tok ?? '' }),
      topic,
      partition: p,
      offset: rec.offset,
      timestamp: rec.timestamp,
      key: rec.key,
      value: rec.value,
      headers: rec.headers,
      attempt: m?.attempts ?? 1,
      leaseExpiresAt: m?.until ?? 0,
    };
  });
}

/** Redeliveries whose time has come. Heap entries that no longer match the message's state
 * (it was acked, or rescheduled) are dropped here. */
async function takeRetries(ctx: QueueContext, sub: SubState, max: number, out: Candidate[]): Promise<void> {
  const now = ctx.now();
  while (out.length < max) {
    const due = sub.retryHeap.popDue(now);
    if (!due) return;
    const ps = sub.part(due.p);
    const m = ps.meta.get(due.o);
    if (!m || m.state !== 'retry' || m.due !== due.at || ctx.settling.has(settlingKey(sub.info.topic, sub.info.name, due.p, due.o))) continue;
    const rec = await readRecord(ctx.store, sub.info.topic, due.p, due.o);
    if (!rec) {
      // Retention removed it before it could be redelivered: settle it as expired, loudly.
      ctx.logger.warn('queue message removed by retention before redelivery', { topic: sub.info.topic, subscription: sub.info.name, partition: due.p, offset: due.o });
      void ctx.commit([{ e: 'done', topic: sub.info.topic, name: sub.info.name, p: due.p, o: [due.o], how: 'expired' }]).catch(() => {});
      continue;
    }
    out.push({ p: due.p, rec });
  }
}

/** Takes expired messages out of `chosen` and starts archiving them (ttl.ts). Marked settling
 * at once, so nothing leases or expires them meanwhile. */
function dropExpired(ctx: QueueContext, sub: SubState, chosen: Candidate[], start: (work: Promise<void>) => void): number {
  const now = ctx.now();
  let dropped = 0;
  const topicTtl = ctx.state.topicTtl.get(sub.info.topic);
  for (let i = chosen.length - 1; i >= 0; i--) {
    const c = chosen[i]!;
    const expiresAt = expiresAtOf(c.rec, topicTtl);
    if (expiresAt === undefined || expiresAt > now) continue;
    chosen.splice(i, 1);
    ctx.settling.add(settlingKey(sub.info.topic, sub.info.name, c.p, c.rec.offset));
    start(archiveExpired(ctx, sub, c.p, c.rec, expiresAt));
    dropped++;
  }
  return dropped;
}

/** Delayed messages whose time has come (see delay.ts). */
async function takeDelayed(ctx: QueueContext, sub: SubState, max: number, out: Candidate[]): Promise<void> {
  for (const { p, o } of popDueDelayed(sub, ctx.now(), max - out.length)) {
    const rec = await readRecord(ctx.store, sub.info.topic, p, o);
    if (rec) out.push({ p, rec });
  }
}

/** Fresh messages, reading more of the log when a partition's buffer runs dry. */
async function takeFresh(ctx: QueueContext, sub: SubState, max: number, out: Candidate[]): Promise<void> {
  const info = ctx.store.getTopic(sub.info.topic);
  if (!info) return;
  const exhausted = new Set<number>();
  let p = Math.floor(ctx.random() * info.partitions);
  while (out.length < max && exhausted.size < info.partitions) {
    p = (p + 1) % info.partitions;
    if (exhausted.has(p)) continue;
    const ps = sub.part(p);
    if (ps.fresh.length === 0 && !(await refill(ctx, sub, p))) {
      exhausted.add(p);
      continue;
    }
    // Take a fair share from this partition before moving on. What was looked at leaves the
    // buffer in one splice: shift() per record moved the whole buffer (thousands of small
    // records after one read) each time, ~2 % of the server's CPU in a consume.
    const share = Math.max(1, Math.ceil((max - out.length) / (info.partitions - exhausted.size)));
    const fresh = ps.fresh;
    let looked = 0;
    for (let taken = 0; looked < fresh.length && taken < share && out.length < max; looked++) {
      const rec = fresh[looked]!;
      if (ps.isSettled(rec.offset) || ps.meta.has(rec.offset)) continue;
      out.push({ p, rec });
      taken++;
    }
    fresh.splice(0, looked);
  }
}

/** Reads the next chunk of partition `p` into its fresh buffer; false at the log end. */
async function refill(ctx: QueueContext, sub: SubState, p: number): Promise<boolean> {
  const ps = sub.part(p);
  const { logStartOffset, logEndOffset } = ctx.store.offsets(sub.info.topic, p);
  if (ps.cursor < logStartOffset) ps.jumpTo(logStartOffset);
  while (ps.fresh.length === 0 && ps.readPos < logEndOffset) {
    const chunk = await readChunk(ctx.store, sub.info.topic, p, ps.readPos);
    if (chunk.next <= ps.readPos) return false;
    ps.readPos = chunk.next;
    for (const o of chunk.skipped) ps.settle(o);
    for (const rec of chunk.records) {
      if (ps.isSettled(rec.offset) || ps.meta.has(rec.offset)) continue;
      const at = deliverAtOf(rec);
      if (at !== undefined && at > ctx.now()) {
        schedule(sub, p, rec.offset, at);
        continue;
      }
      if (sub.config.ordering === 'key' && rec.key !== null && holdOrWait(sub, p, rec)) continue;
      ps.fresh.push(rec);
    }
  }
  return ps.fresh.length > 0;
}

/** Ordering: the first unsettled message of a key takes the hold; later ones wait for it.
 * Returns true when `rec` has to wait. */
function holdOrWait(sub: SubState, p: number, rec: DecodedRecord): boolean {
  const key = keyId(rec.key)!;
  const holder = sub.keyHolds.get(key);
  if (holder === undefined || holder === `${p}:${rec.offset}`) {
    sub.keyHolds.set(key, `${p}:${rec.offset}`);
    return false;
  }
  let queue = sub.waiting.get(key);
  if (!queue) sub.waiting.set(key, (queue = []));
  if (!queue.some((w) => w.p === p && w.rec.offset === rec.offset)) queue.push({ p, rec });
  return true;
}

// Moved to key-id.ts so the archive paths (ttl.ts, archive.ts) can release holds without an import cycle.
export { keyId };

function checkInt(field: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new SluiceError('INVALID_REQUEST', `${field} must be an integer in [${min}, ${max}], not ${JSON.stringify(v)}`, { field });
  }
}
