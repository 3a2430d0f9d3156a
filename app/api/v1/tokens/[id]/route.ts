import { z } from 'zod';
import { revokeToken } from '../../../../../server/auth/tokens.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

const params = z.object({ id: z.string().min(1).max(64) });

/** DELETE /api/v1/tokens/:id: revokes a token (one's own; admins any). */
export const DELETE = route({
  summary: 'Revoke an API token (your own; admins any)',
  role: 'viewer',
  params,
  audit: { action: 'token.revoke', target: (ctx) => `token/${ctx.params.id}` },
  handler: async ({ db, principal, params, config }) => revokeToken(db, params.id, principal.role === 'admin' ? undefined : principal.userId, config.now()),
});
