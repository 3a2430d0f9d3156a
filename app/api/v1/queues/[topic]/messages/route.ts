import { publishBodySchema, publishResponseSchema, topicParams } from '../../../../../../server/queues/schemas.js';
import type { z } from 'zod';
import { BATCH_MEDIA_TYPE } from '../../../../../../broker/client/batch-format.js';
import { decodeBinaryPublish, skipCompression, toPublishMessage, type PublishBody } from '../../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { route } from '../../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/queues/{topic}/messages: publish a batch; resolves once every message is durable.
 * The batch comes as JSON or as a binary batch (`Content-Type: application/vnd.sluice.batch`,
 * broker/client/batch-format.ts), whose values are raw bytes instead of base64.
 */
export const POST = route({
  summary: 'Publish messages to a topic (batch; key, headers, TTL, delay, idempotency key)',
  role: 'operator',
  params: topicParams,
  // The JSON shape is one of the two the handler takes (PublishBody); zod checks only that one.
  body: publishBodySchema as unknown as z.ZodType<PublishBody>,
  binaryBody: { mediaType: BATCH_MEDIA_TYPE, decode: decodeBinaryPublish },
  mediaTypes: { request: { [BATCH_MEDIA_TYPE]: 'the messages as a binary publish batch, raw bytes instead of text/base64 (layout in broker/client/batch-format.ts)' } },
  response: publishResponseSchema,
  // Data plane: an application publishes at message rate; auditing each call would drown the log.
  audit: false,
  handler: async ({ params, body, responseHeaders }) => {
    skipCompression(responseHeaders);
    const messages = 'binary' in body ? body.binary : body.messages.map(toPublishMessage);
    return { results: await queueEngine().publish(params.topic, messages) };
  },
});
