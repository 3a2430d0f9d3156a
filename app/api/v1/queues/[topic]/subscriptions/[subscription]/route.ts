import { route } from '../../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../../server/queues/engine.js';
import { subscriptionConfigSchema, subscriptionParams } from '../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

const target = (ctx: { params: { topic: string; subscription: string } }) => `topic/${ctx.params.topic}/subscription/${ctx.params.subscription}`;

/** GET …/subscriptions/{subscription}: config, counts and per-partition cursors. */
export const GET = route({
  summary: 'Describe a queue subscription',
  role: 'viewer',
  params: subscriptionParams,
  handler: async ({ params }) => queueEngine().describeSubscription(params.topic, params.subscription),
});

/** PATCH …/subscriptions/{subscription}: change settings; unknown or out-of-range ones change nothing. */
export const PATCH = route({
  summary: "Update a queue subscription's settings",
  role: 'operator',
  params: subscriptionParams,
  body: subscriptionConfigSchema,
  audit: { action: 'subscription.update', target },
  handler: async ({ params, body }) => {
    const engine = queueEngine();
    await engine.updateSubscription(params.topic, params.subscription, body);
    return engine.describeSubscription(params.topic, params.subscription);
  },
});

/** DELETE …/subscriptions/{subscription}: the messages stay in the topic; only the cursor goes. */
export const DELETE = route({
  summary: 'Delete a queue subscription',
  role: 'operator',
  params: subscriptionParams,
  audit: { action: 'subscription.delete', target },
  handler: async ({ params }) => {
    await queueEngine().deleteSubscription(params.topic, params.subscription);
  },
});
