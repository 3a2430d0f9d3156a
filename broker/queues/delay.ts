/**
 * Delayed delivery. A delayed message is written to its topic at once with a
 * `sluice-deliver-at` header (ms since the epoch, decimal); queue subscriptions do not lease it
 * before then. Kafka producers can set the same header. The log is the durable schedule: a
 * subscription puts each delayed message it reads into a heap keyed by due time, so a tick pops
 * only what is due, and a restart rebuilds the heap by reading the log from the cursor again.
 */
import { SluiceError } from '../errors.js';
import type { DecodedRecord } from '../records/decoder.js';
import type { SubState } from './state.js';
import { LIMITS, type PublishMessage } from './types.js';

export const DELIVER_AT_HEADER = 'sluice-deliver-at';

/** The delivery time a publish asks for, or undefined for "now". */
export function requestedDeliverAt(m: PublishMessage, index: number, now: number): number | undefined {
  if (m.deliverAt !== undefined && m.delayMs !== undefined) throw new SluiceError('INVALID_REQUEST', `message ${index}: give deliverAt or delayMs, not both`);
  if (m.delayMs !== undefined) {
    if (!Number.isSafeInteger(m.delayMs) || m.delayMs < 0 || m.delayMs > LIMITS.maxDelayMs) {
      throw new SluiceError('INVALID_REQUEST', `message ${index}: delayMs must be an integer in [0, ${LIMITS.maxDelayMs}], not ${JSON.stringify(m.delayMs)}`);
    }
    return now + m.delayMs;
  }
  if (m.deliverAt !== undefined) {
    if (!Number.isSafeInteger(m.deliverAt) || m.deliverAt < 0 || m.deliverAt > now + LIMITS.maxDelayMs) {
      throw new SluiceError('INVALID_REQUEST', `message ${index}: deliverAt must be a time in ms since the epoch at most ${LIMITS.maxDelayMs} ms ahead, not ${JSON.stringify(m.deliverAt)}`);
    }
    return m.deliverAt;
  }
  return undefined;
}

/** The record's delivery time from its header; malformed values count as "now". */
export function deliverAtOf(rec: DecodedRecord): number | undefined {
  for (let i = rec.headers.length - 1; i >= 0; i--) {
    const h = rec.headers[i]!;
    if (h.key !== DELIVER_AT_HEADER) continue;
    const text = h.value?.toString('utf8') ?? '';
    return /^\d{1,16}$/.test(text) ? Number(text) : undefined;
  }
  return undefined;
}

/** fresh -> scheduled: a record read before its time waits in the subscription's heap. */
export function schedule(sub: SubState, p: number, o: number, at: number): void {
  const id = `${p}:${o}`;
  if (sub.delayed.has(id)) return;
  sub.delayed.add(id);
  sub.delayHeap.push({ at, p, o });
}

/** scheduled -> fresh: the due delayed messages, oldest due first, at most `max`. */
export function popDueDelayed(sub: SubState, now: number, max: number): Array<{ p: number; o: number }> {
  const out: Array<{ p: number; o: number }> = [];
  while (out.length < max) {
    const due = sub.delayHeap.popDue(now);
    if (!due) break;
    if (!sub.delayed.delete(`${due.p}:${due.o}`)) continue;
    const ps = sub.part(due.p);
    if (ps.isSettled(due.o) || ps.meta.has(due.o)) continue;
    out.push({ p: due.p, o: due.o });
  }
  return out;
}
