/** Topic administration on the built-in broker, straight on the LogStore. One node: node 0
 * leads every partition and is its only replica. */
import { INTERNAL_TOPICS } from '../../../kafka/handlers/topics.js';
import {
  ConfigSource,
  defaultValue,
  describeTopicConfig,
  parseConfig,
  parseConfigs,
  storeDefaults,
  topicConfigDef,
} from '../../../kafka/handlers/topic-configs.js';
import { mergeConfig } from '../../../storage/topic-config.js';
import type { TopicConfig, TopicInfo } from '../../../storage/types.js';
import { ConnectorError } from '../errors.js';
import { paginate } from '../shared/paginate.js';
import { parseRequest } from '../shared/validate.js';
import type { Page } from '../types/common.js';
import {
  addPartitionsSchema,
  alterConfigsSchema,
  createTopicSchema,
  topicListQuerySchema,
  type AlterConfigsRequest,
  type ConfigEntry,
  type CreateTopicRequest,
  type PartitionInfo,
  type TopicDetail,
  type TopicListQuery,
  type TopicSummary,
} from '../types/topics.js';
import { requireTopic, type BuiltinContext } from './context.js';

const NODE_ID = 0;

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}

function partitionInfo(ctx: BuiltinContext, topic: TopicInfo, partition: number): PartitionInfo {
  const state = ctx.source.store.partitionState(topic.name, partition);
  const { logStartOffset: low, logEndOffset: high } = state.offsets;
  return { partition, leader: NODE_ID, replicas: [NODE_ID], isr: [NODE_ID], low, high, messages: high - low, sizeBytes: state.sizeBytes };
}

function detail(ctx: BuiltinContext, topic: TopicInfo): TopicDetail {
  const parts = Array.from({ length: topic.partitions }, (_, p) => partitionInfo(ctx, topic, p));
  return {
    name: topic.name,
    id: topic.id,
    internal: isInternalTopic(topic.name),
    partitions: topic.partitions,
    replicationFactor: 1,
    messages: parts.reduce((n, p) => n + p.messages, 0),
    sizeBytes: parts.reduce((n, p) => n + (p.sizeBytes ?? 0), 0),
    partitionInfo: parts,
  };
}

function summary(ctx: BuiltinContext, topic: TopicInfo): TopicSummary {
  const { partitionInfo: _, id: __, ...rest } = detail(ctx, topic);
  return rest;
}

export function listTopics(ctx: BuiltinContext, query: TopicListQuery | undefined): Page<TopicSummary> {
  const q = parseRequest(topicListQuerySchema, query ?? {}, ctx.cluster, 'topic list query');
  const all = ctx.source.store
    .listTopics()
    .filter((t) => q.includeInternal || !isInternalTopic(t.name))
    .map((t) => summary(ctx, t));
  return paginate(all, q, (t) => t.name, {
    name: (t) => t.name,
    partitions: (t) => t.partitions,
    messages: (t) => t.messages,
    size: (t) => t.sizeBytes ?? 0,
  });
}

export function getTopic(ctx: BuiltinContext, name: string): TopicDetail {
  return detail(ctx, requireTopic(ctx, name));
}

function configEntries(ctx: BuiltinContext, config: TopicConfig): ConfigEntry[] {
  return describeTopicConfig(config, storeDefaults(ctx.source.store)).map((c) => ({
    name: c.name,
    value: c.value,
    isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
    readOnly: c.readOnly,
    sensitive: false,
  }));
}

export function getTopicConfigs(ctx: BuiltinContext, name: string): ConfigEntry[] {
  return configEntries(ctx, requireTopic(ctx, name).config);
}

export async function createTopic(ctx: BuiltinContext, request: CreateTopicRequest): Promise<TopicDetail> {
  const r = parseRequest(createTopicSchema, request, ctx.cluster, 'topic');
  if (r.replicationFactor !== 1) {
    throw new ConnectorError('INVALID', `replication factor ${r.replicationFactor} is impossible: the built-in broker is a single node (use 1)`, ctx.cluster);
  }
  if (isInternalTopic(r.name)) throw new ConnectorError('INVALID', `"${r.name}" is reserved for the broker's internal use`, ctx.cluster);
  const changes = parseConfigs(Object.entries(r.configs).map(([name, value]) => ({ name, value })));
  const info = await ctx.source.store.createTopic(r.name, r.partitions, changes);
  return detail(ctx, info);
}

export async function deleteTopic(ctx: BuiltinContext, name: string): Promise<void> {
  requireTopic(ctx, name);
  if (isInternalTopic(name)) throw new ConnectorError('INVALID', `"${name}" is an internal topic and cannot be deleted`, ctx.cluster);
  await ctx.source.store.deleteTopic(name);
}

export async function addPartitions(ctx: BuiltinContext, name: string, totalPartitions: number): Promise<TopicDetail> {
  const { totalPartitions: total } = parseRequest(addPartitionsSchema, { totalPartitions }, ctx.cluster, 'partition count');
  const topic = requireTopic(ctx, name);
  if (total <= topic.partitions) {
    throw new ConnectorError('INVALID', `topic "${name}" already has ${topic.partitions} partitions; the new total must be larger (partitions cannot be removed)`, ctx.cluster, {
      current: topic.partitions,
    });
  }
  return detail(ctx, await ctx.source.store.createPartitions(name, total));
}

/** Builds the whole change set first (any bad name or value throws before anything is written). */
export async function alterTopicConfigs(ctx: BuiltinContext, name: string, request: AlterConfigsRequest): Promise<ConfigEntry[]> {
  const r = parseRequest(alterConfigsSchema, request, ctx.cluster, 'config change');
  const topic = requireTopic(ctx, name);
  const defaults = storeDefaults(ctx.source.store);
  const changes: Partial<TopicConfig> = {};
  for (const [key, value] of Object.entries(r.set)) Object.assign(changes, parseConfig(key, value));
  for (const key of r.reset) {
    const def = topicConfigDef(key);
    if (!def) throw new ConnectorError('INVALID', `Unknown topic config name: ${key}`, ctx.cluster);
    if (def.kind === 'mapped') (changes as Record<string, unknown>)[def.key] = defaultValue(def.key, defaults);
  }
  const next = mergeConfig(topic.config, changes);
  if (r.validateOnly) return configEntries(ctx, next);
  const info = await ctx.source.store.alterTopicConfig(name, changes);
  return configEntries(ctx, info.config);
}
