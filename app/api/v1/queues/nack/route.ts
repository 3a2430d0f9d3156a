import { route } from '../../../../../server/api/route.js';
import { queueEngine } from '../../../../../server/queues/engine.js';
import { nackBodySchema, nackResponseSchema } from '../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/nack: processing failed; redeliver after backoff, or dead-letter. */
export const POST = route({
  summary: 'Reject a received message: redelivered after backoff, or dead-lettered after the last attempt',
  role: 'operator',
  body: nackBodySchema,
  response: nackResponseSchema,
  audit: false,
  handler: async ({ body }) => queueEngine().nack(body.receipt, body.reason === undefined ? {} : { reason: body.reason }),
});
