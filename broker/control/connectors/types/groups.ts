/** Consumer groups: list, detail with lag, reset offsets (dry-run first), delete. */
import { z } from 'zod';
import { pageQuerySchema } from './common.js';

/** Kafka's group states; `Unknown` for what a backend reports that is none of these. */
export type GroupState = 'Empty' | 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead' | 'Unknown';

export const groupListQuerySchema = pageQuerySchema.extend({
  sort: z.enum(['name', 'state', 'members', 'lag']).default('name'),
  states: z.array(z.enum(['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Unknown'])).optional(),
});
export type GroupListQuery = z.input<typeof groupListQuerySchema>;

export interface GroupSummary {
  groupId: string;
  state: GroupState;
  protocolType: string;
  members: number;
  /** Topics the group has committed offsets for or is assigned. */
  topics: string[];
  /** Sum of partition lags that are known (null when no partition has a committed offset). */
  totalLag: number | null;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** Empty unless the group is Stable (assignments are only known then). */
  assignments: { topic: string; partitions: number[] }[];
}

export interface GroupPartitionOffset {
  topic: string;
  partition: number;
  /** null when the group has not committed for this partition. */
  committedOffset: number | null;
  /** High watermark. */
  endOffset: number;
  /** end − committed; null without a commit. */
  lag: number | null;
  /** Member the partition is assigned to, when Stable. */
  memberId: string | null;
}

export interface GroupDetail extends GroupSummary {
  /** Kafka's selected assignor (range, roundrobin...) when Stable, else "". */
  assignor: string;
  memberList: GroupMember[];
  offsets: GroupPartitionOffset[];
}

export const resetTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  /** First offset with timestamp >= this; the end offset when there is none. */
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  z.object({ kind: z.literal('offset'), offset: z.number().int().min(0) }),
  /** From the committed offset (or the earliest one without a commit); clamped into range. */
  z.object({ kind: z.literal('shiftBy'), delta: z.number().int() }),
]);
export type ResetTarget = z.infer<typeof resetTargetSchema>;

export const resetOffsetsSchema = z.object({
  groupId: z.string().min(1),
  topic: z.string().min(1),
  /** Default: every partition of the topic. */
  partitions: z.array(z.number().int().min(0)).min(1).optional(),
  to: resetTargetSchema,
  /** Default true: a reset is previewed unless explicitly applied. */
  dryRun: z.boolean().default(true),
});
export type ResetOffsetsRequest = z.input<typeof resetOffsetsSchema>;

export interface ResetPartitionPlan {
  topic: string;
  partition: number;
  previousOffset: number | null;
  newOffset: number;
  /** The target fell outside [low, high] and was moved to the nearest end. */
  clamped: boolean;
}

export interface ResetOffsetsResult {
  groupId: string;
  dryRun: boolean;
  /** False while the group has active members: applying would be refused (CONFLICT). */
  applicable: boolean;
  groupState: GroupState;
  partitions: ResetPartitionPlan[];
}
