import { route } from '../../../../../../../../server/api/route.js';
import { groupParams } from '../../../../../../../../server/clusters/schemas/params.js';
import { readLagSeries } from '../../../../../../../../server/lag/read.js';
import { lagQuery, lagSeriesSchema } from '../../../../../../../../server/lag/schemas.js';

export const dynamic = 'force-dynamic';

/** GET …/groups/:group/lag?minutes=30: server-kept lag samples; reading keeps the group sampled for 2 minutes. */
export const GET = route({
  summary: 'Consumer group lag over time (sampled by the server while someone reads this)',
  role: 'viewer',
  params: groupParams,
  query: lagQuery,
  response: lagSeriesSchema,
  handler: async ({ db, params, query }) => readLagSeries(db, params.cluster, params.group, query.minutes),
});
