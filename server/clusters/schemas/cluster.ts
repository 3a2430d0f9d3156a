/** Response schemas for clusters (the OpenAPI document; typed against the connector's shapes). */
import { z } from 'zod';
import type { ClusterConnector, ClusterHealth, ClusterInfo, NodeInfo } from '../../../broker/control/connectors/index.js';
import type { ClusterRecord } from '../registry.js';

const kind = z.enum(['builtin', 'kafka', 'rabbitmq']);

export const clusterRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind,
  config: z.record(z.string(), z.unknown()),
  hasSecrets: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<ClusterRecord>;

export const healthSchema = z.object({
  status: z.enum(['up', 'degraded', 'down']),
  checkedAt: z.number(),
  latencyMs: z.number(),
  problems: z.array(z.string()),
}) satisfies z.ZodType<ClusterHealth>;

export const clusterListItemSchema = clusterRecordSchema.extend({ health: healthSchema });

export const clusterInfoSchema = z.object({
  name: z.string(),
  kind,
  clusterId: z.string().nullable(),
  version: z.string(),
  controllerId: z.number().nullable(),
  nodes: z.number(),
  topics: z.number(),
  partitions: z.number(),
  bytesOnDisk: z.number().nullable(),
}) satisfies z.ZodType<ClusterInfo>;

const capability = z.union([
  z.object({ supported: z.literal(true), limits: z.string().optional() }),
  z.object({ supported: z.literal(false), reason: z.string() }),
]);

export const capabilitiesSchema = z.object({
  nodes: capability,
  createTopic: capability,
  deleteTopic: capability,
  addPartitions: capability,
  alterConfigs: capability,
  browse: capability,
  seekByTimestamp: capability,
  search: capability,
  produce: capability,
  compression: capability,
  groups: capability,
  resetOffsets: capability,
  deleteGroup: capability,
  queues: capability,
}) satisfies z.ZodType<ClusterConnector['capabilities']>;

export const clusterDetailSchema = z.object({
  cluster: clusterRecordSchema,
  info: clusterInfoSchema,
  health: healthSchema,
  capabilities: capabilitiesSchema,
});

export const nodeSchema = z.object({
  id: z.number(),
  host: z.string(),
  port: z.number(),
  rack: z.string().nullable(),
  isController: z.boolean(),
  bytesOnDisk: z.number().nullable(),
}) satisfies z.ZodType<NodeInfo>;
