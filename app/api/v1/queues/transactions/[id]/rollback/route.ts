import { route } from '../../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../../server/queues/engine.js';
import { transactionOutcomeSchema, transactionParams } from '../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/transactions/{id}/rollback: discard the half messages (idempotent). */
export const POST = route({
  summary: 'Roll back a transaction: its messages are discarded (retries are safe)',
  role: 'operator',
  params: transactionParams,
  response: transactionOutcomeSchema,
  audit: false,
  handler: async ({ params }) => queueEngine().rollbackTransaction(params.id),
});
