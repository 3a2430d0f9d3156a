import { handleMetricsRequest } from '../../server/metrics/handler.js';
import { runningBrokerSource } from '../../server/metrics/broker-source.js';

export const dynamic = 'force-dynamic';

/** GET /metrics: Prometheus text format; loopback bind or bearer token (server/metrics/access.ts). */
export function GET(request: Request): Promise<Response> {
  return handleMetricsRequest(request, process.env, runningBrokerSource);
}
