import { z } from 'zod';
import { login } from '../../../../../server/auth/login.js';
import { sessionCookie } from '../../../../../server/auth/sessions.js';
import { route } from '../../../../../server/api/route.js';

export const dynamic = 'force-dynamic';

const loginBody = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(1024) });

/** POST /api/v1/auth/login: signs in, sets the session cookie, returns the user and CSRF token. */
export const POST = route({
  summary: 'Sign in with a user name and password; sets the session cookie',
  role: 'public',
  body: loginBody,
  audit: { action: 'auth.login', target: (ctx) => `user/${ctx.body.username}`, actor: (ctx) => ctx.body.username },
  handler: async ({ db, config, client, body, responseHeaders }) => {
    const { user, session } = await login(db, config, { ...body, ip: client.ip, userAgent: client.userAgent });
    responseHeaders.append('Set-Cookie', sessionCookie(session.secret, Math.floor(config.sessionMaxMs / 1000), client.secure));
    return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  },
});
