import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../../../../server/auth/passwords.js';
import { roleSchema } from '../../../../server/auth/roles.js';
import { createUser, listUsers, usernameSchema } from '../../../../server/auth/users.js';
import { paginateArray, paginationQuery } from '../../../../server/api/pagination.js';
import { route } from '../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/users: every account (admin). */
export const GET = route({
  summary: 'List user accounts',
  role: 'admin',
  query: paginationQuery,
  handler: async ({ db, query }) => paginateArray(await listUsers(db), query),
});

const newUser = z.object({
  username: usernameSchema,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  role: roleSchema,
  mustChangePassword: z.boolean().optional(),
});

/** POST /api/v1/users: creates an account (admin). */
export const POST = route({
  summary: 'Create a user account',
  role: 'admin',
  body: newUser,
  status: 201,
  audit: { action: 'user.create', target: (ctx) => `user/${ctx.body.username}` },
  handler: async ({ db, body }) => createUser(db, { ...body, mustChangePassword: body.mustChangePassword ?? true }),
});
