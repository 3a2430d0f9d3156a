import { route } from '../../../../../../../../server/api/route.js';
import { withCluster } from '../../../../../../../../server/clusters/http.js';
import { resetOffsetsBody, resetOffsetsResultSchema } from '../../../../../../../../server/clusters/schemas/groups.js';
import { groupParams } from '../../../../../../../../server/clusters/schemas/params.js';

export const dynamic = 'force-dynamic';

/**
 * POST …/groups/:group/reset-offsets: a preview unless `apply: true`. Applying needs the group
 * empty (409 while it has members), so a running consumer never has its position moved under it.
 */
export const POST = route({
  summary: 'Reset committed offsets (dry run unless apply: true; 409 while the group has members)',
  role: 'operator',
  params: groupParams,
  body: resetOffsetsBody,
  response: resetOffsetsResultSchema,
  audit: { action: 'group.reset-offsets', target: (ctx) => `cluster/${ctx.params.cluster}/group/${ctx.params.group}` },
  handler: async ({ db, params, body }) => {
    const { apply, ...rest } = body;
    return withCluster(db, params.cluster, (c) => c.resetOffsets({ ...rest, groupId: params.group, dryRun: !apply }));
  },
});
