/** GET /metrics: access check (access.ts), then the registry in Prometheus text format. */
import { renderMetrics, type MetricsSource } from '../../broker/metrics/index.js';
import { checkMetricsAccess, type MetricsEnv } from './access.js';

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * `source` names the broker whose sizes and group lag are reported at scrape time (undefined when
 * none runs in this process: counters and process metrics are served anyway).
 */
export async function handleMetricsRequest(request: Request, env: MetricsEnv, source: () => MetricsSource | undefined): Promise<Response> {
  const access = checkMetricsAccess(request.headers.get('authorization'), env);
  if (!access.allowed) {
    const headers: Record<string, string> = { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' };
    if (access.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="sluice-metrics"';
    return new Response(`${access.message}\n`, { status: access.status, headers });
  }
  const { contentType, body } = await renderMetrics(source());
  return new Response(body, { status: 200, headers: { ...NO_STORE, 'Content-Type': contentType } });
}
