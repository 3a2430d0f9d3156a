/**
 * The accounts API end to end through the real route handlers: sign-in, who-am-I, CSRF,
 * password change, user management, API tokens used as bearer, the audit trail and its export.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureFirstAdmin } from '../../../../server/auth/bootstrap.js';
import { getDb } from '../../../../server/db/client.js';
import { call, errorOf, useFreshProcessDb, type Caller } from '../../../server/api/harness.js';
import * as auditRoute from '../../../../app/api/v1/audit/route.js';
import * as auditExport from '../../../../app/api/v1/audit/export/route.js';
import * as loginRoute from '../../../../app/api/v1/auth/login/route.js';
import * as logoutRoute from '../../../../app/api/v1/auth/logout/route.js';
import * as passwordRoute from '../../../../app/api/v1/auth/password/route.js';
import * as sessionRoute from '../../../../app/api/v1/auth/session/route.js';
import * as tokensRoute from '../../../../app/api/v1/tokens/route.js';
import * as tokenRoute from '../../../../app/api/v1/tokens/[id]/route.js';
import * as usersRoute from '../../../../app/api/v1/users/route.js';
import * as userRoute from '../../../../app/api/v1/users/[username]/route.js';

vi.mock('server-only', () => ({}));

const ADMIN_PW = 'first admin password';
let cleanup: () => Promise<void>;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  process.env.SLUICE_LOGIN_MAX_FAILURES = '3';
  await ensureFirstAdmin(getDb(), { SLUICE_ADMIN_PASSWORD: ADMIN_PW });
}, 300_000);
afterAll(async () => cleanup?.());

async function signIn(username: string, password: string): Promise<Caller & { res: Response }> {
  const res = await call(loginRoute.POST, { method: 'POST', path: '/api/v1/auth/login', body: { username, password } });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  const body = res.status === 200 ? ((await res.clone().json()) as { csrfToken: string }) : undefined;
  return { res, cookie, csrf: body?.csrfToken };
}

describe('accounts API', () => {
  let admin: Caller;

  it('signs in: sets a strict httpOnly cookie and returns the user and CSRF token', async () => {
    const s = await signIn('admin', ADMIN_PW);
    expect(s.res.status).toBe(200);
    const setCookie = s.res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sluice_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const body = (await s.res.json()) as { user: { username: string; role: string }; csrfToken: string };
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: false });
    expect(JSON.stringify(body)).not.toContain('argon2');
    admin = s;
    const me = await call(sessionRoute.GET, { cookie: admin.cookie });
    expect(await me.json()).toEqual({ username: 'admin', role: 'admin', via: 'session', mustChangePassword: false, csrfToken: admin.csrf });
  });

  it('refuses bad credentials with one message, then locks with 429 and Retry-After', async () => {
    const unknown = await signIn('nobody', 'whatever password');
    const wrong = await signIn('admin', 'wrong password!!');
    expect(unknown.res.status).toBe(401);
    expect(wrong.res.status).toBe(401);
    expect(await errorOf(unknown.res)).toEqual(await errorOf(wrong.res));
    const bad = await call(loginRoute.POST, { method: 'POST', body: { username: 'admin' } });
    expect(bad.status).toBe(422);
    const crossSite = await call(loginRoute.POST, { method: 'POST', body: { username: 'admin', password: ADMIN_PW }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect((await errorOf(crossSite)).code).toBe('csrf');
    const audit = await getDb().auditEvent.findMany({ where: { action: 'auth.login' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => [a.actor, a.outcome])).toEqual([
      ['admin', 'success'],
      ['nobody', 'failure'],
      ['admin', 'failure'],
      ['anonymous', 'failure'],
      ['anonymous', 'denied'], // refused before the body was read
    ]);
    expect(audit.every((a) => !a.params.includes(ADMIN_PW) && !a.params.includes('wrong password'))).toBe(true);

    await call(usersRoute.POST, { ...admin, method: 'POST', body: { username: 'lockme', password: 'lockme password 1', role: 'viewer' } });
    for (let i = 0; i < 3; i++) expect((await signIn('lockme', `wrong password ${i}`)).res.status).toBe(401);
    const locked = await signIn('lockme', 'lockme password 1');
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await errorOf(locked.res)).toMatchObject({ code: 'account_locked', message: expect.stringContaining('locked') });
  });

  it('manages users: create, list, change role, reset password, delete; with CSRF', async () => {
    const noCsrf = await call(usersRoute.POST, { cookie: admin.cookie, method: 'POST', body: { username: 'ops', password: 'ops password 123', role: 'operator' } });
    expect(noCsrf.status).toBe(403);
    const created = await call(usersRoute.POST, { ...admin, method: 'POST', body: { username: 'ops', password: 'ops password 123', role: 'operator' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ username: 'ops', role: 'operator', mustChangePassword: true });
    expect((await call(usersRoute.POST, { ...admin, method: 'POST', body: { username: 'ops', password: 'ops password 123', role: 'viewer' } })).status).toBe(409);
    const names: string[] = [];
    let cursor: string | null | undefined;
    do {
      const page = (await (await call(usersRoute.GET, { ...admin, query: { limit: '1', ...(cursor ? { cursor } : {}) } })).json()) as {
        items: { username: string }[];
        nextCursor: string | null;
      };
      expect(page.items).toHaveLength(1);
      names.push(...page.items.map((u) => u.username));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toEqual(['admin', 'lockme', 'ops']);

    const patch = (body: unknown, username = 'ops') => call(userRoute.PATCH, { ...admin, method: 'PATCH', params: { username }, body });
    expect(await (await patch({ role: 'viewer' })).json()).toMatchObject({ role: 'viewer' });
    expect((await patch({})).status).toBe(422);
    expect((await patch({ role: 'root' })).status).toBe(422);
    expect((await patch({ role: 'operator' }, 'ghost')).status).toBe(404);
    // Weak password with a role change: refused, and the role is untouched.
    expect((await patch({ role: 'admin', password: 'short' })).status).toBe(422);
    expect(await (await call(userRoute.GET, { ...admin, params: { username: 'ops' } })).json()).toMatchObject({ role: 'viewer' });
    const lastAdmin = await patch({ role: 'viewer' }, 'admin');
    expect(lastAdmin.status).toBe(409);
    expect((await errorOf(lastAdmin)).code).toBe('last_admin');
    expect((await patch({ password: 'reset password 42' })).status).toBe(200);
    const audit = await getDb().auditEvent.findFirstOrThrow({ where: { action: 'user.update', outcome: 'success' }, orderBy: { at: 'desc' } });
    expect(audit.params).not.toContain('reset password 42');
  });

  it('a user who must change their password can do only that, then works normally', async () => {
    const ops = await signIn('ops', 'reset password 42');
    expect(ops.res.status).toBe(200);
    const blocked = await call(tokensRoute.GET, ops);
    expect(blocked.status).toBe(403);
    expect((await errorOf(blocked)).code).toBe('password_change_required');
    const wrong = await call(passwordRoute.POST, { ...ops, method: 'POST', body: { currentPassword: 'nope nope nope', newPassword: 'my own password 1' } });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).code).toBe('wrong_password');
    const ok = await call(passwordRoute.POST, { ...ops, method: 'POST', body: { currentPassword: 'reset password 42', newPassword: 'my own password 1' } });
    expect(ok.status).toBe(200);
    expect((await call(tokensRoute.GET, ops)).status).toBe(200);
  });

  it('API tokens: created once, used as bearer, capped at the owner role, revoked', async () => {
    const ops = await signIn('ops', 'my own password 1'); // a viewer now
    const tooHigh = await call(tokensRoute.POST, { ...ops, method: 'POST', body: { name: 'x', role: 'operator' } });
    expect(tooHigh.status).toBe(403);
    const res = await call(tokensRoute.POST, { ...ops, method: 'POST', body: { name: 'grafana', role: 'viewer' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; token: string; prefix: string };
    expect(created.token).toMatch(/^slu_/);
    const me = await call(sessionRoute.GET, { bearer: created.token });
    expect(await me.json()).toMatchObject({ username: 'ops', via: 'token', csrfToken: null });
    const listed = (await (await call(tokensRoute.GET, { bearer: created.token })).json()) as { items: Record<string, unknown>[] };
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('token');
    expect(listed.items[0]).toMatchObject({ prefix: created.prefix, name: 'grafana' });
    // Bearer writes need no CSRF token; a token cannot change the owner's password.
    expect((await call(passwordRoute.POST, { bearer: created.token, method: 'POST', body: { currentPassword: 'my own password 1', newPassword: 'x'.repeat(20) } })).status).toBe(403);
    // Admins see everyone's with all=1 and may revoke any.
    const all = (await (await call(tokensRoute.GET, { ...admin, query: { all: '1' } })).json()) as { items: { owner: string }[] };
    expect(all.items.map((t) => t.owner)).toContain('ops');
    const revoked = await call(tokenRoute.DELETE, { ...admin, method: 'DELETE', params: { id: created.id } });
    expect(await revoked.json()).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    expect((await call(sessionRoute.GET, { bearer: created.token })).status).toBe(401);
  });

  it('audit: queried with filters, exported as CSV and JSON, admin only', async () => {
    const page = (await (await call(auditRoute.GET, { ...admin, query: { action: 'user.create', limit: '10' } })).json()) as { items: { actor: string; target: string }[] };
    expect(page.items[0]).toMatchObject({ actor: 'admin', target: 'user/ops' });
    expect((await call(auditRoute.GET, { ...admin, query: { outcome: 'maybe' } })).status).toBe(422);
    const csv = await call(auditExport.GET, { ...admin, query: { format: 'csv', actor: 'admin' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="sluice-audit-.*\.csv"/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('at,actor,actorRole,action,target,clusterId,outcome,error,ip,params');
    expect(text).toContain('user.create');
    const json = (await (await call(auditExport.GET, { ...admin, query: { format: 'json' } })).json()) as unknown[];
    expect(json.length).toBeGreaterThan(5);
  });

  it('logout deletes the session and clears the cookie', async () => {
    const res = await call(logoutRoute.POST, { ...admin, method: 'POST' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await call(sessionRoute.GET, admin)).status).toBe(401);
  });
});
