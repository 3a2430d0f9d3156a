/** The lag series route's query and response. */
import { z } from 'zod';

/** At most a day back: the default retention (older rows may already be gone). */
export const MAX_LAG_MINUTES = 24 * 60;

export const lagQuery = z.object({
  minutes: z.coerce.number().int().min(1).max(MAX_LAG_MINUTES).default(30),
});

export const lagSeriesSchema = z.object({
  samples: z.array(
    z.object({
      /** Epoch ms. */
      at: z.number(),
      lag: z.number(),
      /** Messages consumed per second since the previous sample; null when unknown. */
      rate: z.number().nullable(),
      byTopic: z.record(z.string(), z.number()),
    }),
  ),
  intervalSeconds: z.number(),
  retentionHours: z.number(),
});
export type LagSeries = z.infer<typeof lagSeriesSchema>;
