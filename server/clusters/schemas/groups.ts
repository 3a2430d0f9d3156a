/** Consumer-group request and response schemas. */
import { z } from 'zod';
import {
  resetOffsetsSchema,
  type GroupDetail,
  type GroupSummary,
  type ResetOffsetsResult,
} from '../../../broker/control/connectors/index.js';

const groupState = z.enum(['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Unknown']);

export const groupSummarySchema = z.object({
  groupId: z.string(),
  state: groupState,
  protocolType: z.string(),
  members: z.number(),
  topics: z.array(z.string()),
  totalLag: z.number().nullable(),
}) satisfies z.ZodType<GroupSummary>;

export const groupDetailSchema = groupSummarySchema.extend({
  assignor: z.string(),
  memberList: z.array(
    z.object({
      memberId: z.string(),
      groupInstanceId: z.string().nullable(),
      clientId: z.string(),
      host: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number()) })),
    }),
  ),
  offsets: z.array(
    z.object({
      topic: z.string(),
      partition: z.number(),
      committedOffset: z.number().nullable(),
      endOffset: z.number(),
      lag: z.number().nullable(),
      memberId: z.string().nullable(),
    }),
  ),
}) satisfies z.ZodType<GroupDetail>;

/** The API's reset request: a preview unless `apply: true` (the group comes from the path). */
export const resetOffsetsBody = resetOffsetsSchema.omit({ groupId: true, dryRun: true }).extend({
  apply: z.boolean().default(false),
});

export const resetOffsetsResultSchema = z.object({
  groupId: z.string(),
  dryRun: z.boolean(),
  applicable: z.boolean(),
  groupState,
  partitions: z.array(
    z.object({ topic: z.string(), partition: z.number(), previousOffset: z.number().nullable(), newOffset: z.number(), clamped: z.boolean() }),
  ),
}) satisfies z.ZodType<ResetOffsetsResult>;
