import { route } from '../../../../../server/api/route.js';
import { queueEngine } from '../../../../../server/queues/engine.js';
import { pendingTransactionsQuery, pendingTransactionsResponseSchema } from '../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/queues/transactions?topic=: pending half messages with age and check-back attempts.
 * Operator, not viewer: check-back URLs often carry a producer's credentials in the query. */
export const GET = route({
  summary: 'List pending transactional (half) messages with age and check-back attempts',
  role: 'operator',
  query: pendingTransactionsQuery,
  response: pendingTransactionsResponseSchema,
  audit: false,
  handler: async ({ query }) => ({ items: queueEngine().listPendingTransactions(query.topic) }),
});
