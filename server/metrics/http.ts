/**
 * HTTP request latency for the console and API, in the broker's registry (broker/metrics) so one
 * /metrics serves everything. The route wrapper calls `observeHttpRequest` once per request.
 */
import { Histogram } from 'prom-client';
import { sluiceMetrics } from '../../broker/metrics/index.js';

const NAME = 'sluice_http_request_duration_seconds';
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpHistogram = Histogram<'route' | 'method' | 'status'>;

/** Looked up in the registry first: Next.js may evaluate this module more than once per process,
 * and a second `new Histogram` with the same name would throw. */
function histogram(): HttpHistogram {
  const { registry } = sluiceMetrics();
  const existing = registry.getSingleMetric(NAME) as HttpHistogram | undefined;
  if (existing) return existing;
  return new Histogram({
    name: NAME,
    help: 'HTTP requests served by the console and API, by route pattern (not raw path), method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: BUCKETS,
    registers: [registry],
  });
}

const requests = histogram();

/**
 * `route` must be the route pattern (`/api/v1/topics/[name]`), never the raw path: raw paths hold
 * topic names and ids and would make a series per value.
 */
export function observeHttpRequest(route: string, method: string, status: number, seconds: number): void {
  requests.observe({ route, method: method.toUpperCase(), status: String(status) }, seconds);
}
