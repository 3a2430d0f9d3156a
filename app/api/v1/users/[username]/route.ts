import { z } from 'zod';
import { checkPasswordPolicy, MAX_PASSWORD_LENGTH } from '../../../../../server/auth/passwords.js';
import { roleSchema } from '../../../../../server/auth/roles.js';
import { deleteUser, getUser, resetPassword, updateUser, usernameSchema } from '../../../../../server/auth/users.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

const params = z.object({ username: usernameSchema });

/** GET /api/v1/users/:username (admin). */
export const GET = route({
  summary: 'One user account',
  role: 'admin',
  params,
  handler: async ({ db, params }) => getUser(db, params.username),
});

const change = z
  .object({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
    /** Sets a new password the user must change at next sign-in; their sessions end. */
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH).optional(),
  })
  .strict()
  .refine((c) => c.role !== undefined || c.disabled !== undefined || c.password !== undefined, 'give role, disabled or password');

/** PATCH /api/v1/users/:username: role, disabled flag, password reset (admin). */
export const PATCH = route({
  summary: "Change a user's role or disabled flag, or reset their password",
  role: 'admin',
  params,
  body: change,
  audit: { action: 'user.update', target: (ctx) => `user/${ctx.params.username}` },
  handler: async ({ db, params, body }) => {
    // Everything that can refuse is checked before anything is written: a weak password or the
    // last-admin rule must not leave half the change applied.
    if (body.password !== undefined) checkPasswordPolicy(body.password);
    let user = await getUser(db, params.username);
    if (body.role !== undefined || body.disabled !== undefined) user = await updateUser(db, params.username, { role: body.role, disabled: body.disabled });
    if (body.password !== undefined) user = await resetPassword(db, params.username, body.password);
    return user;
  },
});

/** DELETE /api/v1/users/:username (admin); never the last enabled admin. */
export const DELETE = route({
  summary: 'Delete a user account (its sessions and tokens go with it)',
  role: 'admin',
  params,
  audit: { action: 'user.delete', target: (ctx) => `user/${ctx.params.username}` },
  handler: async ({ db, params }) => {
    await deleteUser(db, params.username);
    return undefined;
  },
});
