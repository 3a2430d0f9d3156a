import { route } from '../../../../../../server/api/route.js';
import type { QueueEngine } from '../../../../../../broker/queues/index.js';
import { queueEngine } from '../../../../../../server/queues/engine.js';
import { topicParams, topicSettingsBodySchema, topicSettingsResponseSchema } from '../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

function settingsOf(engine: QueueEngine, topic: string) {
  return {
    defaultTtlMs: engine.topicTtl(topic),
    maxBacklog: engine.backlogLimit(topic),
    backlogPolicy: engine.backlogPolicy(topic),
    archiveBeforeRetention: engine.archiveBeforeRetention(topic),
  };
}

/** GET /api/v1/queues/{topic}/settings: the topic's queue settings (default TTL, backlog limit and policy, archive before retention). */
export const GET = route({
  summary: "A topic's queue settings: default TTL, backlog limit and overflow policy, archive before retention",
  role: 'viewer',
  params: topicParams,
  response: topicSettingsResponseSchema,
  handler: async ({ params }) => settingsOf(queueEngine(), params.topic),
});

/** PATCH /api/v1/queues/{topic}/settings: set or clear (null) the default TTL and backlog limit, set the overflow policy and archive-before-retention. */
export const PATCH = route({
  summary: "Change a topic's default TTL, backlog limit (null clears), backlog overflow policy and archive before retention",
  role: 'operator',
  params: topicParams,
  body: topicSettingsBodySchema,
  response: topicSettingsResponseSchema,
  audit: { action: 'topic.queue-settings', target: (ctx) => `topic/${ctx.params.topic}` },
  handler: async ({ params, body }) => {
    const engine = queueEngine();
    if (body.defaultTtlMs !== undefined) await engine.setTopicTtl(params.topic, body.defaultTtlMs);
    if (body.maxBacklog !== undefined) await engine.setBacklogLimit(params.topic, body.maxBacklog);
    if (body.backlogPolicy !== undefined) await engine.setBacklogPolicy(params.topic, body.backlogPolicy);
    if (body.archiveBeforeRetention !== undefined) await engine.setArchiveBeforeRetention(params.topic, body.archiveBeforeRetention);
    return settingsOf(engine, params.topic);
  },
});
