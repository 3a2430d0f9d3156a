/**
 * Backlog limit per topic, overflow policy `reject` (`archive-oldest`: backlog-archive.ts, which
 * also picks between the two on publish). The backlog of a topic is the largest number
 * of unsettled messages in any one of its subscriptions; a publish that would take it past the
 * limit is refused with BACKLOG_FULL and appends nothing. A topic without subscriptions has no
 * backlog. Checked when the publish starts: publishes running at the same moment can overshoot
 * the limit by their own size.
 */
import { SluiceError } from '../errors.js';
import type { QueueContext } from './context.js';
import type { SubState } from './state.js';

export function validateBacklogLimit(max: unknown): number | null {
  if (max === null) return null;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw new SluiceError('INVALID_CONFIG', `maxBacklog must be null or a positive integer, not ${JSON.stringify(max)}`, { field: 'maxBacklog' });
  }
  return max;
}

/** Unsettled messages of one subscription (in flight and waiting included). */
export function depthOf(ctx: QueueContext, sub: SubState): number {
  return unsettledBelow(ctx, sub, (p) => ctx.store.offsets(sub.info.topic, p).logEndOffset);
}

/** depthOf plus the messages of appends accepted by the store and not yet durable. */
export function reservedDepthOf(ctx: QueueContext, sub: SubState): number {
  return unsettledBelow(ctx, sub, (p) => ctx.store.nextOffset(sub.info.topic, p));
}

/** Offsets of `sub` below `end(p)` in each partition that are not settled. */
function unsettledBelow(ctx: QueueContext, sub: SubState, end: (p: number) => number): number {
  let depth = 0;
  const partitions = ctx.store.getTopic(sub.info.topic)?.partitions ?? 0;
  for (let p = 0; p < partitions; p++) {
    const ps = sub.parts.get(p);
    depth += Math.max(0, end(p) - (ps?.cursor ?? 0) - (ps?.done.size ?? 0));
  }
  return depth;
}

export function assertBacklogRoom(ctx: QueueContext, topic: string, adding: number): void {
  const max = ctx.state.backlogLimit.get(topic);
  if (max === undefined) return;
  for (const sub of ctx.state.subs.values()) {
    if (sub.info.topic !== topic) continue;
    const depth = depthOf(ctx, sub);
    if (depth + adding > max) {
      throw new SluiceError('BACKLOG_FULL', `topic ${topic} is at its backlog limit: subscription ${sub.info.name} has ${depth} unsettled messages, limit ${max}, publish adds ${adding}`, {
        topic,
        subscription: sub.info.name,
        depth,
        limit: max,
      });
    }
  }
}
