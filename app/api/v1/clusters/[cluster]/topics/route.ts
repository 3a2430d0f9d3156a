import { createTopicSchema } from '../../../../../../broker/control/connectors/index.js';
import { pageSchema } from '../../../../../../server/api/pagination.js';
import { route } from '../../../../../../server/api/route.js';
import { decodeCursor, toApiPage } from '../../../../../../server/clusters/cursor.js';
import { withCluster } from '../../../../../../server/clusters/http.js';
import { clusterParams, topicListQuery } from '../../../../../../server/clusters/schemas/params.js';
import { topicDetailSchema, topicSummarySchema } from '../../../../../../server/clusters/schemas/topics.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/topics: paginated, searchable, sortable. */
export const GET = route({
  summary: 'List topics (paginated; search, sort, order, includeInternal)',
  role: 'viewer',
  params: clusterParams,
  query: topicListQuery,
  response: pageSchema(topicSummarySchema),
  handler: async ({ db, params, query }) => {
    const { cursor, ...rest } = query;
    const offset = decodeCursor(cursor);
    return withCluster(db, params.cluster, async (c) => toApiPage(await c.listTopics({ ...rest, offset })));
  },
});

/** POST /api/v1/clusters/:cluster/topics: creates a topic; 409 when it exists. */
export const POST = route({
  summary: 'Create a topic',
  role: 'operator',
  params: clusterParams,
  body: createTopicSchema,
  response: topicDetailSchema,
  status: 201,
  audit: { action: 'topic.create', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.body.name}` },
  handler: async ({ db, params, body }) => withCluster(db, params.cluster, (c) => c.createTopic(body)),
});
