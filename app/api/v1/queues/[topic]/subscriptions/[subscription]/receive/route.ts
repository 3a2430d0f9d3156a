import { BATCH_MEDIA_TYPE, encodeMessageBatch } from '../../../../../../../../broker/client/batch-format.js';
import { BytesBody, route } from '../../../../../../../../server/api/route.js';
import { fromReceivedMessage, skipCompression } from '../../../../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../../../../server/queues/engine.js';
import { receiveBodySchema, receiveResponseSchema, subscriptionParams } from '../../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/**
 * POST …/subscriptions/{subscription}/receive: lease up to `max` messages for `leaseMs`, waiting
 * up to `waitMs` for the first one (long poll). Hand each receipt back to ack, nack or extend;
 * `ack` acks receipts of an earlier batch in the same call (applied before anything is leased,
 * durable when the call answers; if the receive itself then fails, say the subscription was
 * deleted during the wait, those acks stand).
 * Clients that move many messages ask for the binary batch (`Accept: application/vnd.sluice.batch`,
 * broker/client/batch-format.ts) instead of JSON.
 */
export const POST = route({
  summary: 'Receive (lease) messages from a queue subscription, with long polling',
  role: 'operator',
  params: subscriptionParams,
  body: receiveBodySchema,
  response: receiveResponseSchema,
  mediaTypes: { response: { [BATCH_MEDIA_TYPE]: 'the same messages as a binary batch, raw bytes instead of text/base64 (layout in broker/client/batch-format.ts); `encoding` is ignored' } },
  audit: false,
  handler: async ({ params, body, request, responseHeaders }) => {
    skipCompression(responseHeaders);
    const messages = await queueEngine().receive(params.topic, params.subscription, {
      max: body.max,
      waitMs: body.waitMs,
      ...(body.leaseMs !== undefined ? { leaseMs: body.leaseMs } : {}),
      ...(body.ack !== undefined ? { ack: body.ack } : {}),
    });
    if (request.headers.get('accept')?.includes(BATCH_MEDIA_TYPE)) {
      return new BytesBody(BATCH_MEDIA_TYPE, encodeMessageBatch(params.topic, messages));
    }
    return { messages: messages.map((m) => fromReceivedMessage(m, body.encoding)) };
  },
});
