import { pageSchema } from '../../../../../../server/api/pagination.js';
import { route } from '../../../../../../server/api/route.js';
import { decodeCursor, toApiPage } from '../../../../../../server/clusters/cursor.js';
import { withCluster } from '../../../../../../server/clusters/http.js';
import { groupSummarySchema } from '../../../../../../server/clusters/schemas/groups.js';
import { clusterParams, groupListQuery } from '../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters/:cluster/groups: consumer groups with state, members and total lag. */
export const GET = route({
  summary: 'List consumer groups (paginated; search, sort, order)',
  role: 'viewer',
  params: clusterParams,
  query: groupListQuery,
  response: pageSchema(groupSummarySchema),
  handler: async ({ db, params, query }) => {
    const { cursor, ...rest } = query;
    const offset = decodeCursor(cursor);
    return withCluster(db, params.cluster, async (c) => toApiPage(await c.listGroups({ ...rest, offset })));
  },
});
