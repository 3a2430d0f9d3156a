/**
 * Queue subscriptions of the built-in broker, read from the running queue engine
 * (broker/queues): counts, config summary, dead-letter/expired topics, per-partition cursors and
 * the attempts distribution. The distribution walks every leased and retrying message, as the
 * counts already do (the delayed count), so a listing stays linear in unsettled-and-delivered
 * messages.
 */
import { archiveTopicOf, type QueueEngine, type SubscriptionDescription } from '../../../queues/index.js';
import type { QueueSubscription } from '../types/queues.js';
import type { BuiltinContext } from './context.js';
import { unavailable } from './translate.js';

export function listQueueSubscriptions(ctx: BuiltinContext): QueueSubscription[] {
  const engine = ctx.source.queues();
  if (!engine) throw unavailable(ctx.cluster, 'the queue engine is not running');
  return engine
    .listSubscriptions()
    .map((d) => toQueueSubscription(engine, d))
    .sort((a, b) => a.queue.localeCompare(b.queue) || a.subscription.localeCompare(b.subscription));
}

function toQueueSubscription(engine: QueueEngine, d: SubscriptionDescription): QueueSubscription {
  const { counts, config } = d;
  return {
    queue: d.topic,
    subscription: d.name,
    // The engine's depth is everything unsettled; the connector's is what can be delivered now.
    depth: Math.max(0, counts.depth - counts.inFlight - counts.delayed),
    inFlight: counts.inFlight,
    delayed: counts.delayed,
    deadLettered: counts.deadLettered,
    expired: counts.expired,
    consumers: null,
    backlog: counts.depth,
    config: { maxAttempts: config.maxAttempts, ordering: config.ordering, leaseMs: config.defaultLeaseMs },
    deadLetterTopic: config.deadLetterTopic,
    expiredTopic: archiveTopicOf(d.topic),
    partitions: d.partitions.map((p) => ({ partition: p.partition, cursor: p.cursor, end: p.logEndOffset })),
    attempts: engine.attemptsHistogram(d.topic, d.name).byAttempt,
  };
}
