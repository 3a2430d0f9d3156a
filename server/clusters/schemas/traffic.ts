/** Traffic counters, as the overview and the per-topic traffic route answer them. */
import { z } from 'zod';
import type { TrafficTotals } from '../../../broker/control/connectors/index.js';

export const trafficTotalsSchema = z
  .object({ at: z.number(), messagesIn: z.number(), messagesOut: z.number(), bytesIn: z.number(), bytesOut: z.number() })
  .nullable()
  .describe('Cumulative counters since the broker started; rates are differences between two readings') satisfies z.ZodType<TrafficTotals | null>;

/** GET /api/v1/clusters/:cluster/topics/:topic/traffic. */
export const topicTrafficSchema = z.object({ traffic: trafficTotalsSchema });
