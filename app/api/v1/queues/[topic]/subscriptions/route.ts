import { route } from '../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { createSubscriptionBodySchema, topicParams } from '../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/queues/{topic}/subscriptions: every subscription of the topic, with its counts. */
export const GET = route({
  summary: "List a topic's queue subscriptions with depth, in-flight, delayed, dead-lettered and expired counts",
  role: 'viewer',
  params: topicParams,
  handler: async ({ params }) => ({ items: queueEngine().listSubscriptions(params.topic) }),
});

/** POST /api/v1/queues/{topic}/subscriptions: create a subscription (and its dead-letter topic). */
export const POST = route({
  summary: 'Create a queue subscription',
  role: 'operator',
  params: topicParams,
  body: createSubscriptionBodySchema,
  status: 201,
  audit: { action: 'subscription.create', target: (ctx) => `topic/${ctx.params.topic}/subscription/${ctx.body.name}` },
  handler: async ({ params, body }) => {
    const engine = queueEngine();
    await engine.createSubscription(params.topic, body.name, { startAt: body.startAt, ...(body.config ? { config: body.config } : {}) });
    return engine.describeSubscription(params.topic, body.name);
  },
});
