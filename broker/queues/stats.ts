/**
 * Read-only statistics over a subscription's state, for consoles and dashboards. Nothing here
 * changes state or writes the journal.
 */
import { requireSub, type QueueContext } from './context.js';

/** Histograms never get wider than this: the last bucket is "this attempt or later". */
export const MAX_ATTEMPT_BUCKETS = 10;

export interface AttemptsHistogram {
  /** byAttempt[i]: unsettled messages on attempt i + 1 - leased for it, or waiting for it (fresh
   * messages wait for attempt 1, a message nacked twice waits for attempt 3). The last entry
   * also counts every later attempt. As many entries as the subscription's maxAttempts, at most
   * MAX_ATTEMPT_BUCKETS. */
  byAttempt: number[];
  /** Messages that ran out of attempts and went to the dead-letter topic. */
  deadLettered: number;
}

/**
 * Walks the subscription's unsettled messages that were delivered at least once (the engine
 * keeps attempts only for those); never-delivered ones are counted from the cursors, not read.
 * Throws UNKNOWN_SUBSCRIPTION.
 */
export function attemptsHistogram(ctx: QueueContext, topic: string, name: string): AttemptsHistogram {
  const sub = requireSub(ctx, topic, name);
  const buckets = Math.max(1, Math.min(sub.config.maxAttempts, MAX_ATTEMPT_BUCKETS));
  const byAttempt = new Array<number>(buckets).fill(0);
  const add = (attempt: number, n: number) => (byAttempt[Math.min(attempt, buckets) - 1]! += n);
  const partitions = ctx.store.getTopic(topic)?.partitions ?? 0;
  for (let p = 0; p < partitions; p++) {
    const ps = sub.parts.get(p);
    const { logEndOffset } = ctx.store.offsets(topic, p);
    // Same arithmetic as the subscription's depth (subscriptions.ts): everything unsettled.
    const unsettled = Math.max(0, logEndOffset - (ps?.cursor ?? 0) - (ps?.done.size ?? 0));
    let delivered = 0;
    for (const m of ps?.meta.values() ?? []) {
      // A leased message is on the attempt it was leased for; a retrying one waits for the next.
      add(m.state === 'leased' ? m.attempts : m.attempts + 1, 1);
      delivered++;
    }
    add(1, Math.max(0, unsettled - delivered));
  }
  return { byAttempt, deadLettered: sub.counters.deadLettered };
}
