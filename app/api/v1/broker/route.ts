import { getBrokerStatus } from '../../../../server/broker-status.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/broker: the built-in broker's `BrokerStatus`; 503 when it is not running. */
export function GET(): Response {
  const status = getBrokerStatus();
  const headers = { 'Cache-Control': 'no-store' };
  if (!status) {
    return Response.json({ error: 'broker_not_running', message: 'The built-in broker is not running in this process.' }, { status: 503, headers });
  }
  return Response.json(status, { headers });
}
