/**
 * What happens to a leased message: ack, nack, extend, lease expiry, and dead-lettering after the
 * last attempt. Every receipt is checked before anything changes; a batch with one bad receipt
 * changes nothing and the error lists every bad one.
 */
import { SluiceError } from '../errors.js';
import { encodeBatch } from '../records/encoder.js';
import { backoffDelay } from './subscription-config.js';
import { settlingKey, type QueueContext } from './context.js';
import { readRecord } from './log-reader.js';
import { deadLetterHeaders } from './provenance.js';
import { decodeReceipt } from './receipt.js';
import type { FailureKind, MessageMeta, PartState, QueueEvent, SubState } from './state.js';
import { LIMITS, type NackOptions } from './types.js';

interface Lease {
  sub: SubState;
  ps: PartState;
  p: number;
  o: number;
  meta: MessageMeta;
}

/** The subscription of the previous receipt of a batch (a batch's receipts almost always share
 * it) and the batch's clock reading, taken once: Date.now is not free under Next.js, which wraps it. */
interface SubMemo {
  topic?: string;
  name?: string;
  sub?: SubState;
  now?: number;
}

/** Checks one receipt against the current state; throws the precise reason it is not valid. */
export function resolveLease(ctx: QueueContext, receipt: unknown, memo: SubMemo = {}): Lease {
  const r = decodeReceipt(receipt);
  const sub = memo.sub && memo.topic === r.topic && memo.name === r.subscription ? memo.sub : ctx.state.get(r.topic, r.subscription);
  if (!sub) {
    throw new SluiceError('INVALID_RECEIPT', `receipt names subscription ${r.subscription} of ${r.topic}, which does not exist`, { topic: r.topic, subscription: r.subscription, partition: r.partition, offset: r.offset });
  }
  memo.topic = r.topic;
  memo.name = r.subscription;
  memo.sub = sub;
  const ps = sub.parts.get(r.partition);
  const meta = ps?.meta.get(r.offset);
  const now = (memo.now ??= ctx.now());
  // The common case, checked first without building anything: a live lease with this token.
  if (meta && meta.state === 'leased' && meta.tok === r.token && meta.until! > now && (ctx.settling.size === 0 || !ctx.settling.has(settlingKey(r.topic, r.subscription, r.partition, r.offset)))) {
    return { sub, ps: ps!, p: r.partition, o: r.offset, meta };
  }
  const where = { topic: r.topic, subscription: r.subscription, partition: r.partition, offset: r.offset };
  if (ps?.isSettled(r.offset)) throw new SluiceError('MESSAGE_SETTLED', `message ${r.topic}/${r.partition}@${r.offset} was already acked, dead-lettered or archived for ${r.subscription}`, where);
  if (ctx.settling.size > 0 && ctx.settling.has(settlingKey(r.topic, r.subscription, r.partition, r.offset))) {
    throw new SluiceError('STALE_RECEIPT', `message ${r.topic}/${r.partition}@${r.offset} is being dead-lettered`, where);
  }
  if (!meta) throw new SluiceError('INVALID_RECEIPT', `no lease of ${r.topic}/${r.partition}@${r.offset} was issued for ${r.subscription}`, where);
  if (meta.state !== 'leased') {
    throw new SluiceError('STALE_RECEIPT', `the lease expired or was released; the message awaits redelivery (attempt ${meta.attempts + 1}) at ${new Date(meta.due ?? 0).toISOString()}`, { ...where, attempts: meta.attempts });
  }
  if (meta.tok !== r.token) {
    throw new SluiceError('STALE_RECEIPT', `the message was leased again (attempt ${meta.attempts}); this receipt is from an earlier lease`, { ...where, attempts: meta.attempts });
  }
  if (meta.until! <= now) {
    throw new SluiceError('STALE_RECEIPT', `the lease expired at ${new Date(meta.until!).toISOString()}`, { ...where, expiredAt: meta.until });
  }
  return { sub, ps: ps!, p: r.partition, o: r.offset, meta };
}

export async function ack(ctx: QueueContext, receipts: readonly unknown[]): Promise<void> {
  await ctx.commit(ackEvents(ctx, receipts));
}

/** The events that ack every receipt, or the error naming each bad one; changes nothing. */
export function ackEvents(ctx: QueueContext, receipts: readonly unknown[]): QueueEvent[] {
  ctx.assertOpen();
  if (!Array.isArray(receipts) || receipts.length === 0 || receipts.length > LIMITS.maxReceive) {
    throw new SluiceError('INVALID_REQUEST', `ack takes 1..${LIMITS.maxReceive} receipts`);
  }
  const leases: Lease[] = [];
  const failures: Array<{ index: number; code: string; message: string }> = [];
  // Offsets seen per subscription partition (a batch's receipts almost always share one).
  const seen = new Map<PartState, Set<number>>();
  let seenPs: PartState | undefined;
  let seenIn = new Set<number>();
  const memo: SubMemo = {};
  receipts.forEach((receipt, index) => {
    try {
      const l = resolveLease(ctx, receipt, memo);
      if (l.ps !== seenPs) {
        seenPs = l.ps;
        seenIn = seen.get(l.ps) ?? new Set();
        seen.set(l.ps, seenIn);
      }
      if (seenIn.has(l.o)) throw new SluiceError('INVALID_REQUEST', `receipt ${index} repeats an earlier receipt of the same batch`);
      seenIn.add(l.o);
      leases.push(l);
    } catch (err) {
      if (!(err instanceof SluiceError)) throw err;
      failures.push({ index, code: err.code, message: err.message });
    }
  });
  if (failures.length > 0) {
    const first = failures[0]!;
    const code = failures.every((f) => f.code === first.code) ? (first.code as SluiceError['code']) : 'INVALID_REQUEST';
    throw new SluiceError(code, `${failures.length} of ${receipts.length} receipts rejected, nothing acked; first: receipt ${first.index}: ${first.message}`, { failures });
  }
  // One event per subscription and partition, in the order first seen.
  const groups = new Map<SubState, Map<number, number[]>>();
  for (const l of leases) {
    let byP = groups.get(l.sub);
    if (!byP) groups.set(l.sub, (byP = new Map()));
    const offsets = byP.get(l.p);
    if (offsets) offsets.push(l.o);
    else byP.set(l.p, [l.o]);
  }
  const events: QueueEvent[] = [];
  for (const [sub, byP] of groups) for (const [p, o] of byP) events.push({ e: 'done', topic: sub.info.topic, name: sub.info.name, p, o, how: 'ack' });
  return events;
}

export async function nack(ctx: QueueContext, receipt: unknown, options: NackOptions = {}): Promise<{ redeliverAt?: number; deadLettered: boolean }> {
  ctx.assertOpen();
  const reason = options.reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > LIMITS.maxReasonChars)) {
    throw new SluiceError('INVALID_REQUEST', `reason must be a string of at most ${LIMITS.maxReasonChars} characters`);
  }
  const lease = resolveLease(ctx, receipt);
  return fail(ctx, lease, 'nack', reason);
}

export async function extend(ctx: QueueContext, receipt: unknown, ms: number): Promise<{ leaseExpiresAt: number }> {
  ctx.assertOpen();
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < LIMITS.minLeaseMs || ms > LIMITS.maxLeaseMs) {
    throw new SluiceError('INVALID_REQUEST', `extend takes a lease of ${LIMITS.minLeaseMs}..${LIMITS.maxLeaseMs} ms from now, not ${JSON.stringify(ms)}`);
  }
  const l = resolveLease(ctx, receipt);
  const until = ctx.now() + ms;
  await ctx.commit([{ e: 'extend', topic: l.sub.info.topic, name: l.sub.info.name, p: l.p, o: l.o, tok: l.meta.tok!, until }]);
  return { leaseExpiresAt: until };
}

/** Leases of `sub` past their end become redeliveries (or dead letters). Cheap when nothing is
 * due: one heap peek. */
export function expireLeases(ctx: QueueContext, sub: SubState): void {
  const now = ctx.now();
  for (;;) {
    const due = sub.leaseHeap.popDue(now);
    if (!due) return;
    const ps = sub.part(due.p);
    // Offsets acked, re-leased or extended since are skipped: their meta no longer matches.
    for (const o of due.o) {
      const meta = ps.meta.get(o);
      if (!meta || meta.state !== 'leased' || meta.tok !== due.tok || meta.until !== due.at) continue;
      if (ctx.settling.has(settlingKey(sub.info.topic, sub.info.name, due.p, o))) continue;
      ctx.track(
        fail(ctx, { sub, ps, p: due.p, o, meta }, 'lease-expired', undefined).catch((err) => {
          ctx.logger.error('queue lease expiry failed', { topic: sub.info.topic, subscription: sub.info.name, partition: due.p, offset: o, error: String(err) });
        }),
      );
    }
  }
}

/** A delivery failed (nack or expiry): schedule the next attempt, or dead-letter after the last. */
async function fail(ctx: QueueContext, l: Lease, kind: FailureKind, msg: string | undefined): Promise<{ redeliverAt?: number; deadLettered: boolean }> {
  const { topic, name } = l.sub.info;
  const now = ctx.now();
  if (l.meta.attempts >= l.sub.config.maxAttempts) {
    await deadLetter(ctx, l, kind, msg, now);
    return { deadLettered: true };
  }
  const due = now + backoffDelay(l.sub.config.backoff, l.meta.attempts, ctx.random);
  const committed = ctx.commit([{ e: 'retry', topic, name, p: l.p, o: l.o, due, at: now, kind, ...(msg !== undefined ? { msg } : {}) }]);
  ctx.wake(topic);
  await committed;
  return { redeliverAt: due, deadLettered: false };
}

/** Appends the message with provenance headers to the dead-letter topic, then settles it. A
 * crash between the two can leave a second copy in the dead-letter topic after restart (never
 * none): the original stays unsettled until the settle is durable. */
async function deadLetter(ctx: QueueContext, l: Lease, kind: FailureKind, msg: string | undefined, now: number): Promise<void> {
  const { topic, name } = l.sub.info;
  const key = settlingKey(topic, name, l.p, l.o);
  ctx.settling.add(key);
  try {
    const rec = await readRecord(ctx.store, topic, l.p, l.o);
    const dlt = l.sub.config.deadLetterTopic;
    if (!ctx.store.getTopic(dlt)) await ctx.store.createTopic(dlt, 1).catch((err) => { if (!ctx.store.getTopic(dlt)) throw err; });
    if (rec) {
      const headers = [
        ...rec.headers.filter((h) => !h.key.startsWith('sluice-')),
        ...deadLetterHeaders({
          topic, partition: l.p, offset: l.o, key: rec.key, timestamp: rec.timestamp, subscription: name, attempts: l.meta.attempts,
          reason: kind, message: msg ?? (kind === 'lease-expired' ? 'lease expired without ack' : l.meta.lastMessage),
          firstFailure: l.meta.firstFailure ?? now, lastFailure: now, now,
        }),
      ];
      await ctx.store.append(dlt, 0, await encodeBatch([{ key: rec.key, value: rec.value, headers, timestamp: now }]));
    } else {
      ctx.logger.warn('queue message removed by retention before dead-lettering', { topic, subscription: name, partition: l.p, offset: l.o });
    }
    await ctx.commit([{ e: 'done', topic, name, p: l.p, o: [l.o], how: rec ? 'dead' : 'expired' }]);
  } finally {
    ctx.settling.delete(key);
  }
}
