import { route } from '../../../../../server/api/route.js';
import { skipCompression } from '../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../server/queues/engine.js';
import { ackBodySchema } from '../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/ack: acknowledge leased messages, all or nothing (409 lists bad receipts). */
export const POST = route({
  summary: 'Acknowledge received messages (batch, all or nothing)',
  role: 'operator',
  body: ackBodySchema,
  audit: false,
  handler: async ({ body, responseHeaders }) => {
    skipCompression(responseHeaders);
    await queueEngine().ack(body.receipts);
    return { acked: body.receipts.length };
  },
});
