import { z } from 'zod';
import { isSluiceError } from '../../../../../broker/errors.js';
import { MAX_PASSWORD_LENGTH } from '../../../../../server/auth/passwords.js';
import { changeOwnPassword } from '../../../../../server/auth/users.js';
import { HttpError } from '../../../../../server/api/errors.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

const body = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

/** POST /api/v1/auth/password: change one's own password (the current one is required). */
export const POST = route({
  summary: 'Change your own password; other sessions of yours end',
  role: 'viewer',
  allowPendingPasswordChange: true,
  body,
  audit: { action: 'auth.password-change', target: (ctx) => `user/${ctx.principal.username}` },
  handler: async ({ db, principal, body }) => {
    // A leaked token must not be enough to take over the account's password.
    if (principal.kind !== 'session') throw new HttpError(403, 'forbidden', 'passwords are changed from a signed-in session, not with an API token');
    try {
      return { user: await changeOwnPassword(db, principal.userId, body.currentPassword, body.newPassword, principal.session.sessionId) };
    } catch (err) {
      // Not 401: the caller is signed in; a 401 would read as "session gone".
      if (isSluiceError(err, 'AUTH_FAILED')) throw new HttpError(403, 'wrong_password', err.message);
      throw err;
    }
  },
});
