import { z } from 'zod';
import { exportStream } from '../../../../../server/audit/export.js';
import { auditFilterSchema, iterateAudit } from '../../../../../server/audit/query.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/audit/export?format=csv|json: every matching event as a download (admin). */
export const GET = route({
  summary: 'Export the audit log as CSV or JSON (same filters as the query)',
  role: 'admin',
  query: auditFilterSchema.extend({ format: z.enum(['csv', 'json']).default('csv') }),
  handler: async ({ db, query }) => {
    const { format, ...filter } = query;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return new Response(exportStream(iterateAudit(db, filter), format), {
      headers: {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="sluice-audit-${stamp}.${format}"`,
      },
    });
  },
});
