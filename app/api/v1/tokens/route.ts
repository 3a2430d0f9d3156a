import { z } from 'zod';
import { roleSchema } from '../../../../server/auth/roles.js';
import { createToken, listTokens, tokenNameSchema } from '../../../../server/auth/tokens.js';
import { paginateArray, paginationQuery } from '../../../../server/api/pagination.js';
import { route } from '../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

const listQuery = paginationQuery.extend({
  /** Admins only: `all=1` lists every user's tokens. */
  all: z.enum(['0', '1']).optional(),
});

/** GET /api/v1/tokens: the caller's tokens (admins: everyone's with ?all=1). */
export const GET = route({
  summary: 'List API tokens (yours; admins may ask for all)',
  role: 'viewer',
  query: listQuery,
  handler: async ({ db, principal, query }) => {
    const everyone = query.all === '1' && principal.role === 'admin';
    return paginateArray(await listTokens(db, everyone ? undefined : principal.userId), query);
  },
});

const newToken = z.object({
  name: tokenNameSchema,
  role: roleSchema,
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/** POST /api/v1/tokens: creates a token for the caller; the secret is in this response only. */
export const POST = route({
  summary: 'Create an API token for yourself; the token is shown once',
  role: 'viewer',
  body: newToken,
  status: 201,
  audit: { action: 'token.create', target: (ctx) => `user/${ctx.principal.username}/token/${ctx.body.name}` },
  handler: async ({ db, principal, body, config }) => {
    const { token, view } = await createToken(
      db,
      principal.userId,
      { name: body.name, role: body.role, expiresAt: body.expiresAt ? new Date(body.expiresAt) : null },
      config.now(),
    );
    return { ...view, token };
  },
});
