/**
 * Message expiry (TTL). A message's expiry time is, first found: its `sluice-expires-at` header
 * (ms since the epoch), its `sluice-ttl-ms` header plus the record timestamp, or the topic's
 * default TTL (setTopicTtl, durable in the queue journal) plus the record timestamp. A
 * subscription that finds a message expired when it would lease it moves it to the topic's
 * expired archive (`<topic>.expired`) with provenance headers and settles it as expired: never
 * silently dropped. A message already leased is not expired under its consumer.
 */
import { SluiceError } from '../errors.js';
import type { DecodedRecord } from '../records/decoder.js';
import { encodeBatch } from '../records/encoder.js';
import { settlingKey, type QueueContext } from './context.js';
import { keyId } from './key-id.js';
import { H } from './provenance.js';
import type { SubState } from './state.js';
import { LIMITS, type PublishMessage } from './types.js';

export const EXPIRES_AT_HEADER = 'sluice-expires-at';
export const TTL_HEADER = 'sluice-ttl-ms';
export const EXPIRED_REASON_HEADER = 'sluice-expired-reason';
export const ARCHIVED_TIME_HEADER = 'sluice-archived-time';

export const archiveTopicOf = (topic: string): string => `${topic}.expired`;

/** The expiry a publish asks for, or undefined for none. */
export function requestedExpiry(m: PublishMessage, index: number, now: number): number | undefined {
  if (m.ttlMs === undefined) return undefined;
  if (!Number.isSafeInteger(m.ttlMs) || m.ttlMs < 1 || m.ttlMs > LIMITS.maxTtlMs) {
    throw new SluiceError('INVALID_REQUEST', `message ${index}: ttlMs must be an integer in [1, ${LIMITS.maxTtlMs}], not ${JSON.stringify(m.ttlMs)}`);
  }
  return now + m.ttlMs;
}

export function validateTopicTtl(ttlMs: unknown): number | null {
  if (ttlMs === null) return null;
  if (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1 || ttlMs > LIMITS.maxTtlMs) {
    throw new SluiceError('INVALID_CONFIG', `defaultTtlMs must be null or an integer in [1, ${LIMITS.maxTtlMs}], not ${JSON.stringify(ttlMs)}`, { field: 'defaultTtlMs' });
  }
  return ttlMs;
}

export function expiresAtOf(rec: DecodedRecord, topicTtlMs: number | undefined): number | undefined {
  let ttl: number | undefined;
  for (const h of rec.headers) {
    const text = h.value?.toString('utf8') ?? '';
    if (!/^\d{1,16}$/.test(text)) continue;
    if (h.key === EXPIRES_AT_HEADER) return Number(text);
    if (h.key === TTL_HEADER) ttl = Number(text);
  }
  if (ttl !== undefined) return rec.timestamp + ttl;
  return topicTtlMs === undefined ? undefined : rec.timestamp + topicTtlMs;
}

/** Creates `<topic>.expired` when missing; returns its name. */
export async function ensureArchiveTopic(ctx: QueueContext, topic: string): Promise<string> {
  const archive = archiveTopicOf(topic);
  if (!ctx.store.getTopic(archive)) await ctx.store.createTopic(archive, 1).catch((err) => { if (!ctx.store.getTopic(archive)) throw err; });
  return archive;
}

/** The archived copy's headers: the original ones (except earlier `sluice-*` bookkeeping) plus
 * provenance and `sluice-expired-reason` (TTL expiry, backlog overflow and retention share them). */
export function archivedHeaders(sub: SubState, p: number, rec: DecodedRecord, reason: string, now: number): Array<{ key: string; value: Buffer | null }> {
  const s = (v: string | number) => Buffer.from(String(v), 'utf8');
  return [
    ...rec.headers.filter((h) => !h.key.startsWith('sluice-') || h.key === EXPIRES_AT_HEADER || h.key === TTL_HEADER),
    { key: H.topic, value: s(sub.info.topic) },
    { key: H.partition, value: s(p) },
    { key: H.offset, value: s(rec.offset) },
    { key: H.timestamp, value: s(rec.timestamp) },
    { key: H.key, value: rec.key },
    { key: H.subscription, value: s(sub.info.name) },
    { key: H.attempts, value: s(sub.part(p).meta.get(rec.offset)?.attempts ?? 0) },
    { key: EXPIRED_REASON_HEADER, value: s(reason) },
    { key: ARCHIVED_TIME_HEADER, value: s(now) },
  ];
}

/** Moves an expired message to the archive topic, then settles it for `sub`. The caller has
 * put it in ctx.settling; this takes it out. A crash between the two steps archives it again
 * after restart (a duplicate in the archive, never a loss). */
export async function archiveExpired(ctx: QueueContext, sub: SubState, p: number, rec: DecodedRecord, expiresAt: number): Promise<void> {
  const { topic, name } = sub.info;
  const key = settlingKey(topic, name, p, rec.offset);
  try {
    const archive = await ensureArchiveTopic(ctx, topic);
    const now = ctx.now();
    const headers = archivedHeaders(sub, p, rec, `ttl passed at ${expiresAt}`, now);
    await ctx.store.append(archive, 0, await encodeBatch([{ key: rec.key, value: rec.value, headers, timestamp: now }]));
    await ctx.commit([{ e: 'done', topic, name, p, o: [rec.offset], how: 'expired' }]);
    forgetRuntimeEntries(sub, p, [rec]);
  } finally {
    ctx.settling.delete(key);
  }
}

/**
 * After archived messages are settled: the settle cleared the journaled state (meta, counters,
 * holds of leased or retrying messages). What it cannot see is runtime-only: a delayed message
 * still counted as delayed, and, with ordering by key, a fresh message that holds its key or waits
 * behind it. Left alone, a settled holder would block its key for good.
 */
export function forgetRuntimeEntries(sub: SubState, p: number, recs: readonly DecodedRecord[]): void {
  const ps = sub.part(p);
  for (const rec of recs) {
    sub.delayed.delete(`${p}:${rec.offset}`);
    const k = keyId(rec.key);
    if (k === null) continue;
    const queue = sub.waiting.get(k);
    if (queue) {
      const rest = queue.filter((w) => !(w.p === p && w.rec.offset === rec.offset));
      if (rest.length > 0) sub.waiting.set(k, rest);
      else sub.waiting.delete(k);
    }
    if (sub.keyHolds.get(k) === `${p}:${rec.offset}` && ps.isSettled(rec.offset)) sub.releaseKey(k);
  }
}
