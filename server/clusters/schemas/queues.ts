/** Queue-subscription response schemas. */
import { z } from 'zod';
import type { QueueSubscription } from '../../../broker/control/connectors/index.js';

export const queueSubscriptionSchema = z.object({
  queue: z.string(),
  subscription: z.string(),
  depth: z.number().describe('ready to deliver now'),
  inFlight: z.number(),
  delayed: z.number().nullable(),
  deadLettered: z.number().nullable(),
  expired: z.number().nullable(),
  consumers: z.number().nullable(),
  backlog: z.number().optional().describe('everything not yet settled: ready + in flight + delayed'),
  config: z.object({ maxAttempts: z.number(), ordering: z.enum(['none', 'key']), leaseMs: z.number() }).optional(),
  deadLetterTopic: z.string().optional(),
  expiredTopic: z.string().optional(),
  partitions: z.array(z.object({ partition: z.number(), cursor: z.number(), end: z.number() })).optional(),
  attempts: z
    .array(z.number())
    .optional()
    .describe('unsettled messages by the attempt they are on: [0] first attempt, [1] second, …; the last entry also counts later attempts'),
}) satisfies z.ZodType<QueueSubscription>;

export const queueSubscriptionListSchema = z.object({ items: z.array(queueSubscriptionSchema) });
