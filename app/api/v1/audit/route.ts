import { auditFilterSchema, InvalidCursorError, queryAudit } from '../../../../server/audit/query.js';
import { HttpError } from '../../../../server/api/errors.js';
import { paginationQuery } from '../../../../server/api/pagination.js';
import { route } from '../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/audit: audit events, newest first, filtered and paginated (admin). */
export const GET = route({
  summary: 'Query the audit log (filters: actor, action, target prefix, outcome, from, to)',
  role: 'admin',
  query: paginationQuery.extend(auditFilterSchema.shape),
  handler: async ({ db, query }) => {
    const { limit, cursor, ...filter } = query;
    try {
      return await queryAudit(db, filter, { limit, cursor });
    } catch (err) {
      if (err instanceof InvalidCursorError) throw new HttpError(422, 'validation', err.message, { issues: [{ path: 'cursor', message: err.message }] });
      throw err;
    }
  },
});
