import { publishBodySchema, publishResponseSchema, topicParams } from '../../../../../../server/queues/schemas.js';
import { skipCompression, toPublishMessage } from '../../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { route } from '../../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/{topic}/messages: publish a batch; resolves once every message is durable. */
export const POST = route({
  summary: 'Publish messages to a topic (batch; key, headers, TTL, delay, idempotency key)',
  role: 'operator',
  params: topicParams,
  body: publishBodySchema,
  response: publishResponseSchema,
  // Data plane: an application publishes at message rate; auditing each call would drown the log.
  audit: false,
  handler: async ({ params, body, responseHeaders }) => {
    skipCompression(responseHeaders);
    return { results: await queueEngine().publish(params.topic, body.messages.map(toPublishMessage)) };
  },
});
