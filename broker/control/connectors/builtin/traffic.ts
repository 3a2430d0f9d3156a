/** Traffic totals of the built-in broker: the Kafka Produce/Fetch counters of broker/metrics. */
import { trafficTotals as countedTotals } from '../../../metrics/index.js';
import type { TrafficTotals } from '../connector.js';

/** The counters are process-wide, which is this broker's: one broker runs per process. They count
 * Kafka protocol traffic only and start at zero with the process; a deleted topic's share is
 * dropped at the next /metrics scrape, so totals can go down. */
export function trafficTotals(): TrafficTotals {
  return { at: Date.now(), ...countedTotals() };
}
