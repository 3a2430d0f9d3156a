/**
 * The cache of verified tokens and sessions (server/auth/auth-cache.ts), through authenticate()
 * against a real SQLite database, time moved with the config's clock: a remembered principal
 * saves the lookup, every change made through this process applies to the very next request,
 * a change made behind its back (another process) applies after `authCacheMs`, and an entry never
 * outlives its token or session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheGeneration, cachedVerified, forgetVerifiedPrincipals, rememberVerified } from '../../../server/auth/auth-cache.js';
import { loadAuthConfig, type AuthConfig } from '../../../server/auth/config.js';
import { authenticate } from '../../../server/auth/principal.js';
import { createSession, deleteSession } from '../../../server/auth/sessions.js';
import { createToken, revokeToken } from '../../../server/auth/tokens.js';
import { changeOwnPassword, createUser, deleteUser, resetPassword, updateUser } from '../../../server/auth/users.js';
import type { Db } from '../../../server/db/client.js';
import { freshSqliteDb, type TestDb } from './test-db.js';

const PW = 'correct horse battery';
let t: TestDb;
let db: Db;
let nowMs = Date.parse('2026-03-01T00:00:00Z');
let n = 0;
const config: AuthConfig = { ...loadAuthConfig({ SLUICE_AUTH_CACHE_MS: '5000', SLUICE_SESSION_IDLE_MINUTES: '30' }), now: () => new Date(nowMs) };

beforeAll(async () => {
  t = await freshSqliteDb();
  db = t.db;
}, 300_000);
afterAll(async () => t?.cleanup());

/** A fresh user (own name per test) with an operator token and a session. */
async function freshUser(role: 'operator' | 'admin' = 'operator') {
  const username = `cache-${++n}`;
  const user = await createUser(db, { username, password: PW, role });
  const { token, view } = await createToken(db, user.id, { name: `t-${n}`, role: 'operator' }, new Date(nowMs));
  const session = await createSession(db, config, user.id);
  return { username, user, token, tokenId: view.id, session };
}

const bearer = (token: string, c: AuthConfig = config) => authenticate(db, c, new Headers({ authorization: `Bearer ${token}` }));
const cookie = (secret: string, c: AuthConfig = config) => authenticate(db, c, new Headers({ cookie: `sluice_session=${secret}` }));
/** What another process does: a write straight to the database, which this process's cache cannot hear of. */
const revokeBehindItsBack = (tokenId: string) => db.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date(nowMs) } });

describe('auth cache', () => {
  it('remembers a verified token: a change behind its back shows only after authCacheMs', async () => {
    const u = await freshUser();
    expect((await bearer(u.token)).principal).toMatchObject({ kind: 'token', username: u.username, role: 'operator' });
    await revokeBehindItsBack(u.tokenId);
    nowMs += 4_999;
    expect((await bearer(u.token)).principal, 'still remembered within authCacheMs').toMatchObject({ kind: 'token' });
    nowMs += 1;
    expect(await bearer(u.token)).toMatchObject({ principal: null, reason: expect.stringContaining('revoked') });
  });

  it('is off with authCacheMs 0: a change behind its back applies at once', async () => {
    const off = { ...config, authCacheMs: 0 };
    const u = await freshUser();
    expect((await bearer(u.token, off)).principal).not.toBeNull();
    await revokeBehindItsBack(u.tokenId);
    expect((await bearer(u.token, off)).principal).toBeNull();
  });

  it('revokeToken applies to the very next request', async () => {
    const u = await freshUser();
    expect((await bearer(u.token)).principal).not.toBeNull();
    await revokeToken(db, u.tokenId, undefined, new Date(nowMs));
    expect((await bearer(u.token)).principal).toBeNull();
  });

  it('a role change applies to the next request, for tokens and sessions', async () => {
    const u = await freshUser();
    expect((await bearer(u.token)).principal?.role).toBe('operator');
    expect((await cookie(u.session.secret)).principal?.role).toBe('operator');
    await updateUser(db, u.username, { role: 'viewer' });
    expect((await bearer(u.token)).principal?.role, 'a token never acts above its owner').toBe('viewer');
    expect((await cookie(u.session.secret)).principal?.role).toBe('viewer');
  });

  it('disabling or deleting the user, a password reset and logout end what was remembered', async () => {
    const a = await freshUser();
    await bearer(a.token);
    await cookie(a.session.secret);
    await updateUser(db, a.username, { disabled: true });
    expect((await bearer(a.token)).principal).toBeNull();
    expect((await cookie(a.session.secret)).principal).toBeNull();

    const b = await freshUser();
    await bearer(b.token);
    await deleteUser(db, b.username);
    expect((await bearer(b.token)).principal).toBeNull();

    const c = await freshUser();
    await cookie(c.session.secret);
    await resetPassword(db, c.username, 'a brand new password');
    expect((await cookie(c.session.secret)).principal).toBeNull();

    const d = await freshUser();
    const other = await createSession(db, config, d.user.id);
    await cookie(d.session.secret);
    await cookie(other.secret);
    await changeOwnPassword(db, d.user.id, PW, 'another new password', d.session.sessionId);
    expect((await cookie(other.secret)).principal, 'other sessions end').toBeNull();
    expect((await cookie(d.session.secret)).principal, 'the one that changed it stays').toMatchObject({ kind: 'session', username: d.username });
    await deleteSession(db, d.session.sessionId);
    expect((await cookie(d.session.secret)).principal, 'logout').toBeNull();
  });

  it('an entry ends with its token or session, not later', async () => {
    const u = await freshUser();
    const { token } = await createToken(db, u.user.id, { name: 'short', role: 'viewer', expiresAt: new Date(nowMs + 2_000) }, new Date(nowMs));
    expect((await bearer(token)).principal).not.toBeNull();
    nowMs += 2_000;
    expect((await bearer(token)).principal).toBeNull();

    // Idle timeout: the session was last seen now; remembered, it still ends 30 minutes later.
    const s = await createSession(db, config, u.user.id);
    expect((await cookie(s.secret)).principal).not.toBeNull();
    nowMs += 30 * 60_000;
    expect((await cookie(s.secret)).principal).toBeNull();
  });

  it('a clock that goes backwards ends an entry', async () => {
    const u = await freshUser();
    expect((await bearer(u.token)).principal).not.toBeNull();
    await revokeBehindItsBack(u.tokenId);
    nowMs -= 1;
    expect((await bearer(u.token)).principal).toBeNull();
    nowMs += 1;
  });

  it('an answer looked up before a change is not stored after it', () => {
    const key = `t:race-${++n}`;
    const verified = { kind: 'token' as const, token: { tokenId: 'x', tokenName: 'x', userId: 'u', username: 'u', role: 'admin' as const } };
    const started = cacheGeneration();
    forgetVerifiedPrincipals(); // e.g. revokeToken committed while the lookup was reading
    rememberVerified(db, key, verified, nowMs, 5_000, Number.POSITIVE_INFINITY, started);
    expect(cachedVerified(db, key, nowMs)).toBeUndefined();
    rememberVerified(db, key, verified, nowMs, 5_000, Number.POSITIVE_INFINITY, cacheGeneration());
    expect(cachedVerified(db, key, nowMs)).toEqual(verified);
  });

  it('SLUICE_AUTH_CACHE_MS must be a non-negative integer', () => {
    expect(loadAuthConfig({}).authCacheMs).toBe(5000);
    expect(loadAuthConfig({ SLUICE_AUTH_CACHE_MS: '0' }).authCacheMs).toBe(0);
    expect(() => loadAuthConfig({ SLUICE_AUTH_CACHE_MS: '-1' })).toThrow(/SLUICE_AUTH_CACHE_MS/);
  });
});
