import { route } from '../../../../../../../../server/api/route.js';
import { fromReceivedMessage, skipCompression } from '../../../../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../../../../server/queues/engine.js';
import { receiveBodySchema, receiveResponseSchema, subscriptionParams } from '../../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/**
 * POST …/subscriptions/{subscription}/receive: lease up to `max` messages for `leaseMs`, waiting
 * up to `waitMs` for the first one (long poll). Hand each receipt back to ack, nack or extend.
 */
export const POST = route({
  summary: 'Receive (lease) messages from a queue subscription, with long polling',
  role: 'operator',
  params: subscriptionParams,
  body: receiveBodySchema,
  response: receiveResponseSchema,
  audit: false,
  handler: async ({ params, body, responseHeaders }) => {
    skipCompression(responseHeaders);
    const messages = await queueEngine().receive(params.topic, params.subscription, {
      max: body.max,
      waitMs: body.waitMs,
      ...(body.leaseMs !== undefined ? { leaseMs: body.leaseMs } : {}),
    });
    return { messages: messages.map((m) => fromReceivedMessage(m, body.encoding)) };
  },
});
