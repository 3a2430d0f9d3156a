import { searchQuerySchema } from '../../../../../../../../../broker/control/connectors/index.js';
import { route } from '../../../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../../../server/clusters/http.js';
import { searchResultSchema } from '../../../../../../../../../server/clusters/schemas/messages.js';
import { topicParams } from '../../../../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/**
 * POST …/messages/search: filters on key/value/headers (substring, regex, JSON path) within a scan
 * budget. A read, but a POST (the filters are a JSON body), and every POST is a write to the
 * route wrapper and the authorization suite: so operator, and audited as message.search.
 */
export const POST = route({
  summary: 'Search messages with filters within a scan budget',
  role: 'operator',
  params: topicParams,
  body: searchQuerySchema.omit({ topic: true }),
  response: searchResultSchema,
  audit: { action: 'message.search', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}` },
  handler: async ({ db, params, body }) => withCluster(db, params.cluster, (c) => c.searchMessages({ ...body, topic: params.topic })),
});
