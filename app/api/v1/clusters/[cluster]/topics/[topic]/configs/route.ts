import { z } from 'zod';
import { alterConfigsSchema } from '../../../../../../../../broker/control/connectors/index.js';
import { route } from '../../../../../../../../server/api/route.js';
import { diffConfigs } from '../../../../../../../../server/clusters/config-diff.js';
import { withCluster } from '../../../../../../../../server/clusters/http.js';
import { topicParams } from '../../../../../../../../server/clusters/schemas/params.js';
import { alterConfigsResultSchema, configEntrySchema } from '../../../../../../../../server/clusters/schemas/topics.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/topics/:topic/configs */
export const GET = route({
  summary: "A topic's configs (overrides and defaults)",
  role: 'viewer',
  params: topicParams,
  response: z.object({ items: z.array(configEntrySchema) }),
  handler: async ({ db, params }) => withCluster(db, params.cluster, async (c) => ({ items: await c.getTopicConfigs(params.topic) })),
});

/** PATCH …/configs: sets and resets configs; `validateOnly: true` previews the diff and changes nothing. */
export const PATCH = route({
  summary: 'Alter topic configs (validateOnly: true previews the diff)',
  role: 'operator',
  params: topicParams,
  body: alterConfigsSchema,
  response: alterConfigsResultSchema,
  audit: { action: 'topic.alter-configs', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}` },
  handler: async ({ db, params, body }) =>
    withCluster(db, params.cluster, async (c) => {
      const before = await c.getTopicConfigs(params.topic);
      const configs = await c.alterTopicConfigs(params.topic, body);
      return { validateOnly: body.validateOnly, changes: diffConfigs(before, configs), configs };
    }),
});
