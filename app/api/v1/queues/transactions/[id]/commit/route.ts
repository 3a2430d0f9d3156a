import { route } from '../../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../../server/queues/engine.js';
import { transactionOutcomeSchema, transactionParams } from '../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/queues/transactions/{id}/commit: make the half messages visible, exactly once (idempotent). */
export const POST = route({
  summary: 'Commit a transaction: its messages are appended to the topic once (retries are safe)',
  role: 'operator',
  params: transactionParams,
  response: transactionOutcomeSchema,
  audit: false,
  handler: async ({ params }) => queueEngine().commitTransaction(params.id),
});
