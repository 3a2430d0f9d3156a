import { z } from 'zod';
import { route } from '../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../server/clusters/http.js';
import { clusterParams } from '../../../../../../server/clusters/schemas/params.js';
import { nodeSchema } from '../../../../../../server/clusters/schemas/cluster.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/nodes: the cluster's brokers (one for the built-in broker). */
export const GET = route({
  summary: "The cluster's nodes",
  role: 'viewer',
  params: clusterParams,
  response: z.object({ items: z.array(nodeSchema) }),
  handler: async ({ db, params }) => withCluster(db, params.cluster, async (c) => ({ items: await c.listNodes() })),
});
