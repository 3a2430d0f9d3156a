/** Traffic totals of the built-in broker: the Kafka Produce/Fetch counters of broker/metrics. */
import { sluiceMetrics, trafficTotals as countedTotals } from '../../../metrics/index.js';
import type { TrafficTotals } from '../connector.js';
import { requireTopic, type BuiltinContext } from './context.js';

/** The counters are process-wide, which is this broker's: one broker runs per process. They count
 * Kafka protocol traffic only and start at zero with the process; a deleted topic's share is
 * dropped at the next /metrics scrape, so totals can go down. With `topic`, that topic's counters:
 * zeros until a Kafka client first produces to or fetches from it. */
export function trafficTotals(ctx: BuiltinContext, topic?: string): TrafficTotals {
  const at = Date.now();
  if (topic === undefined) return { at, ...countedTotals() };
  requireTopic(ctx, topic);
  const t = sluiceMetrics().topics.get(topic);
  return { at, messagesIn: t?.messagesIn ?? 0, messagesOut: t?.messagesOut ?? 0, bytesIn: t?.bytesIn ?? 0, bytesOut: t?.bytesOut ?? 0 };
}
