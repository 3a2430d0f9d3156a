import { route } from '../../../../../server/api/route.js';
import { skipCompression } from '../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../server/queues/engine.js';
import { ackBodySchema, receiptLines } from '../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/queues/ack: acknowledge leased messages, all or nothing (409 lists bad receipts).
 * The receipts come as JSON `{ receipts: [...] }` or as `text/plain`, one per line.
 */
export const POST = route({
  summary: 'Acknowledge received messages (batch, all or nothing)',
  role: 'operator',
  body: ackBodySchema,
  textBody: receiptLines,
  mediaTypes: { request: { 'text/plain': 'the receipts, one per line' } },
  audit: false,
  handler: async ({ body, responseHeaders }) => {
    skipCompression(responseHeaders);
    await queueEngine().ack(body.receipts);
    return { acked: body.receipts.length };
  },
});
