import { route } from '../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../server/clusters/http.js';
import { readOverview } from '../../../../../../server/clusters/overview.js';
import { overviewSchema } from '../../../../../../server/clusters/schemas/overview.js';
import { clusterParams } from '../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/overview: what the overview page polls every 2 s. */
export const GET = route({
  summary: 'Cluster health, counts, cumulative traffic totals and the most lagging groups',
  role: 'viewer',
  params: clusterParams,
  response: overviewSchema,
  handler: async ({ db, params }) => withCluster(db, params.cluster, (c) => readOverview(c)),
});
