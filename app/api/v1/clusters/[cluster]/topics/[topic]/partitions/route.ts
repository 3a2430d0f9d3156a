import { addPartitionsSchema } from '../../../../../../../../broker/control/connectors/index.js';
import { route } from '../../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../../server/clusters/http.js';
import { topicParams } from '../../../../../../../../server/clusters/schemas/params.js';
import { topicDetailSchema } from '../../../../../../../../server/clusters/schemas/topics.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/clusters/:cluster/topics/:topic/partitions: grows the topic to `totalPartitions`. */
export const POST = route({
  summary: 'Add partitions (totalPartitions is the new total)',
  role: 'operator',
  params: topicParams,
  body: addPartitionsSchema,
  response: topicDetailSchema,
  audit: { action: 'topic.add-partitions', target: (ctx) => `cluster/${ctx.params.cluster}/topic/${ctx.params.topic}` },
  handler: async ({ db, params, body }) => withCluster(db, params.cluster, (c) => c.addPartitions(params.topic, body.totalPartitions)),
});
