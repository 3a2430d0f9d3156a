/** The process-wide broker (started by instrumentation.ts) as the scrape-time metrics source. */
import type { MetricsSource } from '../../broker/metrics/index.js';
import { getBroker } from '../../broker/runtime.js';

/** The running broker's store and group coordinator; undefined while none is running. */
export function runningBrokerSource(): MetricsSource | undefined {
  const broker = getBroker();
  if (!broker || broker.state !== 'running') return undefined;
  return { store: broker.store, groups: broker.kafka?.groups ?? null };
}
