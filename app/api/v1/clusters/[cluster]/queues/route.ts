import { route } from '../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../server/clusters/http.js';
import { queueSubscriptionListSchema } from '../../../../../../server/clusters/schemas/queues.js';
import { clusterParams } from '../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/queues: every queue subscription with its counts. Not paginated:
 * subscriptions are few next to topics, and the console refreshes them all at once. */
export const GET = route({
  summary: 'List queue subscriptions with depth, in-flight, delayed, dead-lettered and expired counts',
  role: 'viewer',
  params: clusterParams,
  response: queueSubscriptionListSchema,
  handler: async ({ db, params }) => withCluster(db, params.cluster, async (c) => ({ items: await c.listQueueSubscriptions() })),
});
