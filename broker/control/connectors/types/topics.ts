/** Topics (Kafka topics, RabbitMQ queues/streams): list, detail, configs and admin requests. */
import { z } from 'zod';
import { pageQuerySchema } from './common.js';

export const topicListQuerySchema = pageQuerySchema.extend({
  sort: z.enum(['name', 'partitions', 'messages', 'size']).default('name'),
  /** Kafka's internal topics (__consumer_offsets...) are hidden unless asked for. */
  includeInternal: z.boolean().default(false),
});
export type TopicListQuery = z.input<typeof topicListQuerySchema>;

export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** Sum over partitions of high − low watermark (what is readable now). */
  messages: number;
  /** null where the backend does not expose sizes. */
  sizeBytes: number | null;
}

export interface PartitionInfo {
  partition: number;
  /** Node ids; null / [] where the backend has no replicas (RabbitMQ classic queues). */
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** First readable offset. */
  low: number;
  /** Offset the next message will get. */
  high: number;
  messages: number;
  sizeBytes: number | null;
}

export interface TopicDetail extends TopicSummary {
  /** Kafka topic id (UUID) where known. */
  id: string | null;
  partitionInfo: PartitionInfo[];
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** True when the topic does not override the broker's default. */
  isDefault: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

const configName = z.string().min(1).max(255);

export const createTopicSchema = z.object({
  name: z.string().min(1).max(249),
  partitions: z.number().int().min(1).max(10_000).default(1),
  replicationFactor: z.number().int().min(1).max(32).default(1),
  configs: z.record(configName, z.string()).default({}),
});
export type CreateTopicRequest = z.input<typeof createTopicSchema>;

export const addPartitionsSchema = z.object({
  /** The new total, not an increment (Kafka's CreatePartitions semantics). */
  totalPartitions: z.number().int().min(1).max(10_000),
});

export const alterConfigsSchema = z
  .object({
    set: z.record(configName, z.string()).default({}),
    /** Names that revert to the broker default. */
    reset: z.array(configName).default([]),
    /** Validate and return what the configs would become, change nothing. */
    validateOnly: z.boolean().default(false),
  })
  .refine((v) => Object.keys(v.set).length + v.reset.length > 0, { message: 'nothing to change: give set and/or reset' })
  .refine((v) => !v.reset.some((n) => Object.hasOwn(v.set, n)), { message: 'a config cannot be both set and reset' });
export type AlterConfigsRequest = z.input<typeof alterConfigsSchema>;
