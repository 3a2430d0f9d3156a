import { clearedSessionCookie, deleteSession } from '../../../../../server/auth/sessions.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

/** POST /api/v1/auth/logout: ends the session (the row is deleted) and clears the cookie. */
export const POST = route({
  summary: 'Sign out: ends the current session',
  role: 'viewer',
  allowPendingPasswordChange: true,
  audit: { action: 'auth.logout', target: (ctx) => `user/${ctx.principal.username}` },
  handler: async ({ db, principal, client, responseHeaders }) => {
    if (principal.kind === 'session') await deleteSession(db, principal.session.sessionId);
    responseHeaders.append('Set-Cookie', clearedSessionCookie(client.secure));
    return undefined;
  },
});
