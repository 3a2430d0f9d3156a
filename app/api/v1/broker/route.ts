import { getBrokerStatus } from '../../../../server/broker-status.js';
import { HttpError } from '../../../../server/api/errors.js';
import { route } from '../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/broker: the built-in broker's `BrokerStatus`; 503 when it is not running. */
export const GET = route({
  summary: "The built-in broker's status",
  role: 'viewer',
  handler: async () => {
    const status = getBrokerStatus();
    if (!status) throw new HttpError(503, 'broker_not_running', 'The built-in broker is not running in this process.');
    return status;
  },
});
