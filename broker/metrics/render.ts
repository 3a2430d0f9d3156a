/** The Prometheus text exposition of the process registry. */
import { sluiceMetrics } from './registry.js';
import { pruneDeletedTopics } from './scrape.js';
import type { MetricsSource } from './source.js';

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

/**
 * Renders every metric. `source` is the broker the scrape-time gauges (sizes, partitions, group
 * lag) read; without one they are left out and the counters and process metrics are still served.
 * The source is kept for later scrapes: there is one broker per process, so concurrent scrapes
 * all pass the same one.
 */
export async function renderMetrics(source?: MetricsSource): Promise<RenderedMetrics> {
  const metrics = sluiceMetrics();
  metrics.source = source;
  if (source) pruneDeletedTopics(source, metrics.topics);
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}
