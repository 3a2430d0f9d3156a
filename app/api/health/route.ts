import { getBrokerStatus } from '../../../server/broker-status.js';

export const dynamic = 'force-dynamic';

/** GET /api/health: 200 while the broker is running, 503 otherwise (starting, stopping, absent). */
export function GET(): Response {
  const status = getBrokerStatus();
  const headers = { 'Cache-Control': 'no-store' };
  if (status?.state === 'running') {
    return Response.json({ status: 'ok', broker: status.state, uptimeMs: status.uptimeMs }, { headers });
  }
  return Response.json(
    { status: 'unavailable', broker: status?.state ?? 'stopped', uptimeMs: status?.uptimeMs ?? 0 },
    { status: 503, headers },
  );
}
