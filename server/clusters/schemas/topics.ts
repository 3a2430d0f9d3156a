/** Response schemas for topics and configs. */
import { z } from 'zod';
import type { ConfigEntry, PartitionInfo, TopicDetail, TopicSummary } from '../../../broker/control/connectors/index.js';

export const topicSummarySchema = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.number(),
  replicationFactor: z.number(),
  messages: z.number(),
  sizeBytes: z.number().nullable(),
}) satisfies z.ZodType<TopicSummary>;

const partitionInfoSchema = z.object({
  partition: z.number(),
  leader: z.number().nullable(),
  replicas: z.array(z.number()),
  isr: z.array(z.number()),
  low: z.number(),
  high: z.number(),
  messages: z.number(),
  sizeBytes: z.number().nullable(),
}) satisfies z.ZodType<PartitionInfo>;

export const topicDetailSchema = topicSummarySchema.extend({
  id: z.string().nullable(),
  partitionInfo: z.array(partitionInfoSchema),
}) satisfies z.ZodType<TopicDetail>;

export const configEntrySchema = z.object({
  name: z.string(),
  value: z.string().nullable(),
  isDefault: z.boolean(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
}) satisfies z.ZodType<ConfigEntry>;

export const configChangeSchema = z.object({
  name: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  /** Whether the config is the broker default after the change. */
  isDefault: z.boolean(),
});

export const alterConfigsResultSchema = z.object({
  validateOnly: z.boolean(),
  /** Only the configs whose value or default-ness changes. */
  changes: z.array(configChangeSchema),
  configs: z.array(configEntrySchema),
});
