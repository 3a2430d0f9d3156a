/** Response schema of GET /api/v1/clusters/:cluster/overview. */
import { z } from 'zod';
import type { ClusterOverview } from '../overview.js';
import { healthSchema } from './cluster.js';
import { trafficTotalsSchema } from './traffic.js';

const groupState = z.enum(['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Unknown']);

export const overviewSchema = z.object({
  health: healthSchema,
  counts: z.object({
    topics: z.number(),
    partitions: z.number(),
    groups: z.number().nullable(),
    subscriptions: z.number().nullable(),
  }),
  traffic: trafficTotalsSchema,
  laggingGroups: z.array(z.object({ groupId: z.string(), state: groupState, totalLag: z.number().nullable() })),
}) satisfies z.ZodType<ClusterOverview>;
