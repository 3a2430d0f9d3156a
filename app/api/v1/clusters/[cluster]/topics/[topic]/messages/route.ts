import { produceRequestSchema } from '../../../../../../../../broker/control/connectors/index.js';
import { route } from '../../../../../../../../server/api/route.js';
import { browseRequest } from '../../../../../../../../server/clusters/browse.js';
import { withCluster } from '../../../../../../../../server/clusters/http.js';
import { browseResultSchema, browseQuery, produceResultSchema } from '../../../../../../../../server/clusters/schemas/messages.js';
import { topicParams } from '../../../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/** GET …/messages: reads without consuming (newest by default); keys, values and headers rendered as JSON, text or base64. */
export const GET = route({
  summary: 'Browse messages (partitions, from newest/oldest/offset/timestamp, limit, maxValueBytes)',
  role: 'viewer',
  params: topicParams,
  query: browseQuery,
  response: browseResultSchema,
  handler: async ({ db, params, query }) => withCluster(db, params.cluster, (c) => c.browseMessages(browseRequest(params.topic, query))),
});

/** POST …/messages: produces one message. */
export const POST = route({
  summary: 'Produce a message',
  role: 'operator',
  params: topicParams,
  body: produceRequestSchema.omit({ topic: true }),
  response: produceResultSchema,
  status: 201,
  audit: { action: 'message.produce', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}` },
  handler: async ({ db, params, body }) => withCluster(db, params.cluster, (c) => c.produceMessage({ ...body, topic: params.topic })),
});
