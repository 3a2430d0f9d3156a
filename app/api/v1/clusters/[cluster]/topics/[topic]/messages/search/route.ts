import { searchQuerySchema } from '../../../../../../../../../broker/control/connectors/index.js';
import { route } from '../../../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../../../server/clusters/http.js';
import { searchResultSchema } from '../../../../../../../../../server/clusters/schemas/messages.js';
import { topicParams } from '../../../../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/**
 * POST …/messages/search: filters on key/value/headers (substring, regex, JSON path) within a scan
 * budget. A read like GET …/messages, so viewers may call it; a POST only because the filters are a
 * JSON body (nested matchers, arbitrary JSON to compare with) that a query string would mangle.
 * As a POST it still needs the CSRF token with a session cookie, and each search is audited.
 */
export const POST = route({
  summary: 'Search messages with filters within a scan budget (a read, sent as POST for its JSON filters)',
  role: 'viewer',
  readOnly: true,
  params: topicParams,
  body: searchQuerySchema.omit({ topic: true }),
  response: searchResultSchema,
  audit: { action: 'message.search', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}` },
  handler: async ({ db, params, body }) => withCluster(db, params.cluster, (c) => c.searchMessages({ ...body, topic: params.topic })),
});
