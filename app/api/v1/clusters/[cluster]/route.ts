import { route } from '../../../../../server/api/route.js';
import { toHttpError, withCluster } from '../../../../../server/clusters/http.js';
import { removeCluster } from '../../../../../server/clusters/register.js';
import { clusterParams } from '../../../../../server/clusters/schemas/params.js';
import { clusterDetailSchema } from '../../../../../server/clusters/schemas/cluster.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster: info, health and what the cluster's connector can do. */
export const GET = route({
  summary: 'Cluster info, health and capabilities',
  role: 'viewer',
  params: clusterParams,
  response: clusterDetailSchema,
  handler: async ({ db, params }) =>
    withCluster(db, params.cluster, async (c, cluster) => {
      const [info, health] = await Promise.all([c.clusterInfo(), c.health()]);
      return { cluster, info, health, capabilities: c.capabilities };
    }),
});

/** DELETE /api/v1/clusters/:cluster: forgets an attached cluster and its secrets (admin). */
export const DELETE = route({
  summary: 'Remove an attached cluster (admin; the built-in one stays)',
  role: 'admin',
  params: clusterParams,
  audit: { action: 'cluster.remove', target: (ctx) => `cluster/${ctx.params.cluster}` },
  handler: async ({ db, params }) => {
    try {
      await removeCluster(db, params.cluster);
    } catch (err) {
      throw toHttpError(err);
    }
  },
});
