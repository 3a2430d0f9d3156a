import { route } from '../../../../../server/api/route.js';
import { queueEngine } from '../../../../../server/queues/engine.js';
import { extendBodySchema } from '../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/extend: the lease now ends `ms` from now. */
export const POST = route({
  summary: "Extend a received message's lease",
  role: 'operator',
  body: extendBodySchema,
  audit: false,
  handler: async ({ body }) => queueEngine().extend(body.receipt, body.ms),
});
