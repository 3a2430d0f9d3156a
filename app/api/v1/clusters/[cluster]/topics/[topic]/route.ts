import { HttpError } from '../../../../../../../server/api/errors.js';
import { route } from '../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../server/clusters/http.js';
import { deleteTopicQuery, topicParams } from '../../../../../../../server/clusters/schemas/params.js';
import { topicDetailSchema } from '../../../../../../../server/clusters/schemas/topics.js';

export const dynamic = 'force-dynamic';

const target = (ctx: { params: { cluster: string; topic: string } }) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}`;

/** GET /api/v1/clusters/:cluster/topics/:topic: partitions with leader, replicas, ISR, watermarks. */
export const GET = route({
  summary: 'Topic detail with partitions and watermarks',
  role: 'viewer',
  params: topicParams,
  response: topicDetailSchema,
  handler: async ({ db, params }) => withCluster(db, params.cluster, (c) => c.getTopic(params.topic)),
});

/** DELETE /api/v1/clusters/:cluster/topics/:topic?confirm=<topic>: the name typed again, or nothing happens. */
export const DELETE = route({
  summary: 'Delete a topic (needs ?confirm=<topic name>)',
  role: 'operator',
  params: topicParams,
  query: deleteTopicQuery,
  audit: { action: 'topic.delete', target },
  handler: async ({ db, params, query }) => {
    if (query.confirm !== params.topic) {
      throw new HttpError(409, 'confirmation_mismatch', `confirm must be the topic's name "${params.topic}" to delete it; got "${query.confirm}"`);
    }
    await withCluster(db, params.cluster, (c) => c.deleteTopic(params.topic));
  },
});
