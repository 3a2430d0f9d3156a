/**
 * Verified credentials are remembered for a few seconds (server/auth/auth-cache.ts), yet a change
 * made through the API applies to the very next request: the real route handlers, the process
 * config (5 s cache), a fresh SQLite database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAuthConfig } from '../../../server/auth/config.js';
import { createToken } from '../../../server/auth/tokens.js';
import { getDb } from '../../../server/db/client.js';
import { call, errorOf, signedInAs, useFreshProcessDb, type Caller } from './harness.js';

const tokens = await import('../../../app/api/v1/tokens/route.js');
const token = await import('../../../app/api/v1/tokens/[id]/route.js');
const user = await import('../../../app/api/v1/users/[username]/route.js');
const logout = await import('../../../app/api/v1/auth/logout/route.js');

let cleanup: () => Promise<void>;
let admin: Caller;
let n = 0;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  admin = await signedInAs('root', 'admin');
}, 300_000);
afterAll(async () => cleanup?.());

async function operatorWithToken(): Promise<{ username: string; session: Caller; bearer: string; tokenId: string }> {
  const username = `revoke-${++n}`;
  const session = await signedInAs(username, 'operator');
  const owner = await getDb().user.findUniqueOrThrow({ where: { username } });
  const { token: bearer, view } = await createToken(getDb(), owner.id, { name: `t-${n}`, role: 'operator' });
  return { username, session, bearer, tokenId: view.id };
}

/** Any authenticated read will do: what matters is whether the credential is still accepted. */
const listWith = (who: Caller) => call(tokens.GET, who);

describe('remembered credentials and revocation', () => {
  it('the cache is on in this process', () => {
    expect(getAuthConfig().authCacheMs).toBeGreaterThan(0);
  });

  it('a revoked token answers 401 on the next request', async () => {
    const u = await operatorWithToken();
    expect((await listWith({ bearer: u.bearer })).status).toBe(200);
    expect((await listWith({ bearer: u.bearer })).status).toBe(200);
    const res = await call(token.DELETE, { ...admin, method: 'DELETE', params: { id: u.tokenId } });
    expect(res.status, await res.clone().text()).toBe(200);
    const after = await listWith({ bearer: u.bearer });
    expect(after.status).toBe(401);
    expect((await errorOf(after)).message).toContain('revoked');
  });

  it('a demotion applies on the next request (admin → viewer: the admin listing is refused)', async () => {
    const username = `demote-${++n}`;
    const session = await signedInAs(username, 'admin');
    expect((await call(user.GET, { ...session, params: { username: 'root' } })).status).toBe(200);
    const res = await call(user.PATCH, { ...admin, method: 'PATCH', params: { username }, body: { role: 'viewer' } });
    expect(res.status, await res.clone().text()).toBe(200);
    const after = await call(user.GET, { ...session, params: { username: 'root' } });
    expect(after.status).toBe(403);
    expect((await errorOf(after)).message).toContain('you are viewer');
  });

  it('disabling the user ends their token and session on the next request', async () => {
    const u = await operatorWithToken();
    expect((await listWith({ bearer: u.bearer })).status).toBe(200);
    expect((await listWith(u.session)).status).toBe(200);
    const res = await call(user.PATCH, { ...admin, method: 'PATCH', params: { username: u.username }, body: { disabled: true } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await listWith({ bearer: u.bearer })).status).toBe(401);
    expect((await listWith(u.session)).status).toBe(401);
  });

  it('after logout the session cookie answers 401', async () => {
    const u = await operatorWithToken();
    expect((await listWith(u.session)).status).toBe(200);
    const res = await call(logout.POST, { ...u.session, method: 'POST' });
    expect(res.status).toBe(204);
    expect((await listWith(u.session)).status).toBe(401);
  });
});
