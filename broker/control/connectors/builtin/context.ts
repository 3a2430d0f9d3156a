/** What every built-in operation module gets: the broker source and the cluster's name. */
import type { TopicInfo } from '../../../storage/types.js';
import { notFound } from './translate.js';
import type { BuiltinSource } from './source.js';

export interface BuiltinContext {
  source: BuiltinSource;
  cluster: string;
}

export function requireTopic(ctx: BuiltinContext, name: string): TopicInfo {
  const topic = ctx.source.store.getTopic(name);
  if (!topic) throw notFound(ctx.cluster, `topic "${name}"`);
  return topic;
}

/** The partitions asked for (default all), each checked to exist. */
export function requirePartitions(ctx: BuiltinContext, topic: TopicInfo, partitions: readonly number[] | undefined): number[] {
  if (partitions === undefined) return Array.from({ length: topic.partitions }, (_, i) => i);
  for (const p of partitions) {
    if (p >= topic.partitions) throw notFound(ctx.cluster, `partition ${p} of topic "${topic.name}" (it has ${topic.partitions})`);
  }
  return [...new Set(partitions)].sort((a, b) => a - b);
}
