/**
 * Subscription create/update/delete/describe. A subscription is durable from the moment create
 * resolves; it starts at the log end ('latest', the default) or at the log start ('earliest').
 */
import { SluiceError } from '../errors.js';
import { requireSub, type QueueContext } from './context.js';
import { defaultConfig, mergeSubscriptionConfig, validateName, type SubscriptionConfigInput } from './subscription-config.js';
import type { SubState } from './state.js';
import type { SubscriptionDescription, SubscriptionInfo } from './types.js';

export interface CreateSubscriptionOptions {
  config?: SubscriptionConfigInput;
  startAt?: 'earliest' | 'latest';
}

export async function createSubscription(ctx: QueueContext, topic: string, name: string, options: CreateSubscriptionOptions = {}): Promise<SubscriptionInfo> {
  ctx.assertOpen();
  validateName('topic', topic);
  validateName('subscription', name);
  const info = ctx.store.getTopic(topic);
  if (!info) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
  if (ctx.state.get(topic, name)) throw new SluiceError('SUBSCRIPTION_EXISTS', `topic ${topic} already has a subscription ${name}`, { topic, subscription: name });
  const startAt = options.startAt ?? 'latest';
  if (startAt !== 'earliest' && startAt !== 'latest') throw new SluiceError('INVALID_REQUEST', `startAt must be 'earliest' or 'latest', not ${JSON.stringify(startAt)}`);
  const config = mergeSubscriptionConfig(defaultConfig(topic, name), options.config ?? {});
  if (config.deadLetterTopic === topic) throw new SluiceError('INVALID_CONFIG', 'deadLetterTopic must differ from the subscribed topic', { field: 'deadLetterTopic' });
  await ensureTopic(ctx, config.deadLetterTopic);
  if (ctx.state.get(topic, name)) throw new SluiceError('SUBSCRIPTION_EXISTS', `topic ${topic} already has a subscription ${name}`, { topic, subscription: name });
  const cursors: Record<string, number> = {};
  for (let p = 0; p < info.partitions; p++) {
    const o = ctx.store.offsets(topic, p);
    cursors[p] = startAt === 'latest' ? o.logEndOffset : o.logStartOffset;
  }
  const sub: SubscriptionInfo = { topic, name, config, createdAt: ctx.now() };
  await ctx.commit([{ e: 'sub', info: sub, cursors }]);
  return sub;
}

export async function updateSubscription(ctx: QueueContext, topic: string, name: string, changes: SubscriptionConfigInput): Promise<SubscriptionInfo> {
  ctx.assertOpen();
  const sub = requireSub(ctx, topic, name);
  const config = mergeSubscriptionConfig(sub.config, changes);
  if (config.deadLetterTopic === topic) throw new SluiceError('INVALID_CONFIG', 'deadLetterTopic must differ from the subscribed topic', { field: 'deadLetterTopic' });
  await ensureTopic(ctx, config.deadLetterTopic);
  const info: SubscriptionInfo = { ...requireSub(ctx, topic, name).info, config };
  await ctx.commit([{ e: 'sub', info }]);
  return info;
}

export async function deleteSubscription(ctx: QueueContext, topic: string, name: string): Promise<void> {
  ctx.assertOpen();
  requireSub(ctx, topic, name);
  const done = ctx.commit([{ e: 'unsub', topic, name }]);
  ctx.wake(topic);
  await done;
}

export function describeSubscription(ctx: QueueContext, topic: string, name: string): SubscriptionDescription {
  return describe(ctx, requireSub(ctx, topic, name));
}

export function listSubscriptions(ctx: QueueContext, topic?: string): SubscriptionDescription[] {
  return [...ctx.state.subs.values()].filter((s) => topic === undefined || s.info.topic === topic).map((s) => describe(ctx, s));
}

function describe(ctx: QueueContext, sub: SubState): SubscriptionDescription {
  const topicInfo = ctx.store.getTopic(sub.info.topic);
  const partitions: SubscriptionDescription['partitions'] = [];
  let depth = 0;
  let delayed = 0;
  const now = ctx.now();
  for (let p = 0; p < (topicInfo?.partitions ?? 0); p++) {
    const ps = sub.part(p);
    const { logEndOffset } = ctx.store.offsets(sub.info.topic, p);
    depth += Math.max(0, logEndOffset - ps.cursor - ps.done.size);
    for (const m of ps.meta.values()) if (m.state === 'retry' && (m.due ?? 0) > now) delayed++;
    partitions.push({ partition: p, cursor: ps.cursor, logEndOffset, settledAbove: ps.done.size });
  }
  // Delayed publishes count once the subscription has read them (see delay.ts).
  delayed += sub.delayed.size;
  return {
    ...sub.info,
    counts: { depth, inFlight: sub.inFlight, delayed, acked: sub.counters.acked, deadLettered: sub.counters.deadLettered, expired: sub.counters.expired },
    partitions,
  };
}


async function ensureTopic(ctx: QueueContext, name: string): Promise<void> {
  if (ctx.store.getTopic(name)) return;
  try {
    await ctx.store.createTopic(name, 1);
  } catch (err) {
    if (!ctx.store.getTopic(name)) throw err;
  }
}
