import { route } from '../../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../../server/clusters/http.js';
import { topicParams } from '../../../../../../../../server/clusters/schemas/params.js';
import { topicTrafficSchema } from '../../../../../../../../server/clusters/schemas/traffic.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/topics/:topic/traffic: what the topic page polls every 2 s for its
 * throughput chart (null traffic where the backend does not count per topic). */
export const GET = route({
  summary: "The topic's cumulative traffic totals (messages and bytes in and out)",
  role: 'viewer',
  params: topicParams,
  response: topicTrafficSchema,
  handler: async ({ db, params }) => withCluster(db, params.cluster, async (c) => ({ traffic: await c.trafficTotals(params.topic) })),
});
