import { route } from '../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { topicParams, topicSettingsBodySchema } from '../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/queues/{topic}/settings: the topic's queue settings (default TTL, backlog limit). */
export const GET = route({
  summary: "A topic's queue settings: default TTL and backlog limit",
  role: 'viewer',
  params: topicParams,
  handler: async ({ params }) => {
    const engine = queueEngine();
    return { defaultTtlMs: engine.topicTtl(params.topic), maxBacklog: engine.backlogLimit(params.topic) };
  },
});

/** PATCH /api/v1/queues/{topic}/settings: set or clear (null) the default TTL and backlog limit. */
export const PATCH = route({
  summary: "Change a topic's default TTL and backlog limit (null clears)",
  role: 'operator',
  params: topicParams,
  body: topicSettingsBodySchema,
  audit: { action: 'topic.queue-settings', target: (ctx) => `topic/${ctx.params.topic}` },
  handler: async ({ params, body }) => {
    const engine = queueEngine();
    if (body.defaultTtlMs !== undefined) await engine.setTopicTtl(params.topic, body.defaultTtlMs);
    if (body.maxBacklog !== undefined) await engine.setBacklogLimit(params.topic, body.maxBacklog);
    return { defaultTtlMs: engine.topicTtl(params.topic), maxBacklog: engine.backlogLimit(params.topic) };
  },
});
