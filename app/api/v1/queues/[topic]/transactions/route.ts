import { route } from '../../../../../../server/api/route.js';
import { toPublishMessage } from '../../../../../../server/queues/codec.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { prepareBodySchema, prepareResponseSchema, topicParams } from '../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/{topic}/transactions: prepare half messages no consumer sees until commit. */
export const POST = route({
  summary: 'Prepare transactional (half) messages: stored durably, invisible until commit; check-back URL asked on timeout',
  role: 'operator',
  params: topicParams,
  body: prepareBodySchema,
  response: prepareResponseSchema,
  status: 201,
  // Data plane: one call per producer transaction.
  audit: false,
  handler: async ({ params, body }) =>
    queueEngine().prepare(params.topic, body.messages.map(toPublishMessage), {
      timeoutMs: body.timeoutMs,
      ...(body.checkBackUrl !== undefined ? { checkBackUrl: body.checkBackUrl } : {}),
    }),
});
