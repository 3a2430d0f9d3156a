import { route } from '../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../server/clusters/http.js';
import { groupDetailSchema } from '../../../../../../../server/clusters/schemas/groups.js';
import { groupParams } from '../../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/** GET …/groups/:group: members, assignments, committed offsets and lag per partition. */
export const GET = route({
  summary: 'Consumer group detail: members, assignments, offsets and lag',
  role: 'viewer',
  params: groupParams,
  response: groupDetailSchema,
  handler: async ({ db, params }) => withCluster(db, params.cluster, (c) => c.getGroup(params.group)),
});

/** DELETE …/groups/:group: 409 while the group has members. */
export const DELETE = route({
  summary: 'Delete a consumer group (409 while it has members)',
  role: 'operator',
  params: groupParams,
  audit: { action: 'group.delete', target: (ctx) => `cluster/${ctx.params.cluster}/group/${ctx.params.group}` },
  handler: async ({ db, params }) => {
    await withCluster(db, params.cluster, (c) => c.deleteGroup(params.group));
  },
});
