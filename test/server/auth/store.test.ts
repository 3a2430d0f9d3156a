/**
 * Accounts against both real databases (SQLite file and PostgreSQL schema): users and the
 * last-admin rule, first start, sessions and their timeouts, sign-in with lockout and rate
 * limits, API tokens. Time is moved with the config's clock, never waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { ensureFirstAdmin } from '../../../server/auth/bootstrap.js';
import { loadAuthConfig, type AuthConfig } from '../../../server/auth/config.js';
import { login } from '../../../server/auth/login.js';
import { authenticate } from '../../../server/auth/principal.js';
import { createSession, deleteSession, resolveSession } from '../../../server/auth/sessions.js';
import { sha256 } from '../../../server/auth/secrets.js';
import { createToken, listTokens, resolveToken, revokeToken } from '../../../server/auth/tokens.js';
import { changeOwnPassword, createUser, deleteUser, getUser, listUsers, resetPassword, updateUser } from '../../../server/auth/users.js';
import type { Db } from '../../../server/db/client.js';
import { DATABASES, type TestDb } from './test-db.js';

const PW = 'correct horse battery';

async function expectCode(p: Promise<unknown>, code: string): Promise<Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(err, `expected ${code}`).not.toBeNull();
  expect(isSluiceError(err) ? err.code : String(err)).toBe(code);
  return err!;
}

describe.each(DATABASES)('accounts on $name', ({ create }) => {
  let t: TestDb;
  let db: Db;
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const config: AuthConfig = {
    ...loadAuthConfig({
      SLUICE_SESSION_IDLE_MINUTES: '30',
      SLUICE_SESSION_MAX_HOURS: '2',
      SLUICE_LOGIN_MAX_FAILURES: '3',
      SLUICE_LOGIN_LOCKOUT_MINUTES: '10',
      SLUICE_LOGIN_WINDOW_MINUTES: '15',
      SLUICE_LOGIN_MAX_PER_IP: '8',
      SLUICE_LOGIN_MAX_PER_USERNAME: '6',
    }),
    now: () => new Date(nowMs),
  };
  const minutes = (n: number) => (nowMs += n * 60_000);

  beforeAll(async () => {
    t = await create();
    db = t.db;
  }, 300_000);
  afterAll(async () => t?.cleanup());

  describe('first start', () => {
    it('creates admin with a generated password, printed once in a banner, to be changed', async () => {
      let printed = '';
      const result = await ensureFirstAdmin(db, {}, (s) => (printed += s));
      expect(result).toEqual({ created: true, source: 'generated' });
      const password = /password: (\S+)/.exec(printed)?.[1];
      expect(password).toBeDefined();
      expect(password!.length).toBeGreaterThanOrEqual(20);
      expect(printed).toContain('shown once');
      expect(await getUser(db, 'admin')).toMatchObject({ role: 'admin', mustChangePassword: true, disabled: false });
      const { user } = await login(db, config, { username: 'admin', password: password!, ip: '10.0.0.1' });
      expect(user.username).toBe('admin');
    });

    it('does nothing when users exist, and prints nothing', async () => {
      let printed = '';
      expect(await ensureFirstAdmin(db, { SLUICE_ADMIN_PASSWORD: 'another long password' }, (s) => (printed += s))).toEqual({ created: false });
      expect(printed).toBe('');
    });
  });

  describe('users', () => {
    it('creates, lists and refuses duplicates and bad input without writing', async () => {
      await createUser(db, { username: 'olive', password: PW, role: 'operator' });
      await expectCode(createUser(db, { username: 'olive', password: PW, role: 'viewer' }), 'USER_EXISTS');
      await expectCode(createUser(db, { username: 'shorty', password: 'short', role: 'viewer' }), 'WEAK_PASSWORD');
      await expect(createUser(db, { username: 'bad name!', password: PW, role: 'viewer' })).rejects.toThrow(/letters, digits/);
      const names = (await listUsers(db)).map((u) => u.username);
      expect(names).toEqual(['admin', 'olive']);
      expect(JSON.stringify(await listUsers(db))).not.toContain('argon2');
    });

    it('never deletes, disables or demotes the last enabled admin', async () => {
      await expectCode(deleteUser(db, 'admin'), 'LAST_ADMIN');
      await expectCode(updateUser(db, 'admin', { role: 'operator' }), 'LAST_ADMIN');
      await expectCode(updateUser(db, 'admin', { disabled: true }), 'LAST_ADMIN');
      expect(await getUser(db, 'admin')).toMatchObject({ role: 'admin', disabled: false });
      // With a second admin, the first may go; then the second is the last one.
      await createUser(db, { username: 'ada', password: PW, role: 'admin' });
      await updateUser(db, 'admin', { disabled: true });
      await expectCode(updateUser(db, 'ada', { role: 'viewer' }), 'LAST_ADMIN');
      await updateUser(db, 'admin', { disabled: false });
      await updateUser(db, 'ada', { role: 'viewer' });
      await expectCode(deleteUser(db, 'admin'), 'LAST_ADMIN');
      await deleteUser(db, 'ada');
      await expectCode(getUser(db, 'ada'), 'UNKNOWN_USER');
      await expectCode(deleteUser(db, 'nobody'), 'UNKNOWN_USER');
    });

    it('a password reset ends the user’s sessions and forces a change; changing it needs the current one', async () => {
      const olive = await getUser(db, 'olive');
      const s1 = await createSession(db, config, olive.id);
      await resetPassword(db, 'olive', 'temporary password 1');
      expect(await resolveSession(db, config, s1.secret)).toBeNull();
      const { session } = await login(db, config, { username: 'olive', password: 'temporary password 1', ip: '10.0.0.2' });
      const other = await createSession(db, config, olive.id);
      await expectCode(changeOwnPassword(db, olive.id, 'wrong password!!', 'brand new password 2', session.sessionId), 'AUTH_FAILED');
      const changed = await changeOwnPassword(db, olive.id, 'temporary password 1', 'brand new password 2', session.sessionId);
      expect(changed.mustChangePassword).toBe(false);
      expect(await resolveSession(db, config, session.secret)).not.toBeNull();
      expect(await resolveSession(db, config, other.secret)).toBeNull();
      await login(db, config, { username: 'olive', password: 'brand new password 2', ip: '10.0.0.2' });
    });
  });

  describe('sessions', () => {
    it('stores only the SHA-256 of the cookie secret', async () => {
      const admin = await getUser(db, 'admin');
      const s = await createSession(db, config, admin.id);
      expect(s.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await db.session.findUniqueOrThrow({ where: { id: s.sessionId } });
      expect(row.tokenHash).toBe(sha256(s.secret));
      expect(JSON.stringify(row)).not.toContain(s.secret);
    });

    it('ends after the idle timeout, and after the absolute lifetime even when used', async () => {
      const admin = await getUser(db, 'admin');
      const idle = await createSession(db, config, admin.id);
      minutes(29);
      expect(await resolveSession(db, config, idle.secret)).not.toBeNull();
      minutes(29); // used 29 min ago: still alive
      expect(await resolveSession(db, config, idle.secret)).not.toBeNull();
      minutes(31);
      expect(await resolveSession(db, config, idle.secret)).toBeNull();
      expect(await db.session.count({ where: { id: idle.sessionId } })).toBe(0);

      const busy = await createSession(db, config, admin.id);
      for (let i = 0; i < 4; i++) {
        minutes(25);
        expect(await resolveSession(db, config, busy.secret)).not.toBeNull();
      }
      minutes(25); // 125 min > 2 h lifetime
      expect(await resolveSession(db, config, busy.secret)).toBeNull();
    });

    it('logout deletes the row; a disabled user’s session stops working', async () => {
      const admin = await getUser(db, 'admin');
      const s = await createSession(db, config, admin.id);
      await deleteSession(db, s.sessionId);
      expect(await resolveSession(db, config, s.secret)).toBeNull();
      const olive = await getUser(db, 'olive');
      const o = await createSession(db, config, olive.id);
      await updateUser(db, 'olive', { disabled: true });
      expect(await resolveSession(db, config, o.secret)).toBeNull();
      await updateUser(db, 'olive', { disabled: false });
    });
  });

  describe('sign-in', () => {
    it('answers unknown user and wrong password with the same error', async () => {
      const a = await expectCode(login(db, config, { username: 'ghost', password: PW, ip: '10.1.0.1' }), 'AUTH_FAILED');
      const b = await expectCode(login(db, config, { username: 'admin', password: 'not the password', ip: '10.1.0.1' }), 'AUTH_FAILED');
      expect(a.message).toBe(b.message);
    });

    it('locks an account after consecutive failures, for the configured period', async () => {
      await createUser(db, { username: 'lucy', password: PW, role: 'viewer' });
      minutes(60); // earlier failures out of the window
      for (let i = 0; i < 3; i++) await expectCode(login(db, config, { username: 'lucy', password: `wrong ${i} password`, ip: `10.2.0.${i}` }), 'AUTH_FAILED');
      const locked = await expectCode(login(db, config, { username: 'lucy', password: PW, ip: '10.2.0.9' }), 'ACCOUNT_LOCKED');
      expect((locked as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds).toBeGreaterThan(0);
      // A wrong password while locked says nothing about the lock.
      await expectCode(login(db, config, { username: 'lucy', password: 'still wrong!!', ip: '10.2.0.9' }), 'AUTH_FAILED');
      minutes(11);
      const { user } = await login(db, config, { username: 'lucy', password: PW, ip: '10.2.0.9' });
      expect(user.lockedUntil).toBeNull();
    });

    it('a success in between resets the consecutive count', async () => {
      minutes(60);
      for (let i = 0; i < 2; i++) await expectCode(login(db, config, { username: 'lucy', password: 'wrong password', ip: '10.3.0.1' }), 'AUTH_FAILED');
      await login(db, config, { username: 'lucy', password: PW, ip: '10.3.0.1' });
      for (let i = 0; i < 2; i++) await expectCode(login(db, config, { username: 'lucy', password: 'wrong password', ip: '10.3.0.1' }), 'AUTH_FAILED');
      await login(db, config, { username: 'lucy', password: PW, ip: '10.3.0.1' });
    });

    it('rate-limits one address across names, from rows that survive a new client', async () => {
      minutes(60);
      for (let i = 0; i < 8; i++) await expectCode(login(db, config, { username: `nobody${i}`, password: PW, ip: '10.4.0.1' }), 'AUTH_FAILED');
      await expectCode(login(db, config, { username: 'admin', password: 'whatever it is', ip: '10.4.0.1' }), 'RATE_LIMITED');
      // A "restart": a new client on the same database still sees the failures.
      const { createDb } = await import('../../../server/db/client.js');
      const db2 = createDb({ env: t.env });
      try {
        await expectCode(login(db2, config, { username: 'lucy', password: PW, ip: '10.4.0.1' }), 'RATE_LIMITED');
      } finally {
        await db2.$disconnect();
      }
      // Another address is unaffected; the window passing frees the first.
      await login(db, config, { username: 'lucy', password: PW, ip: '10.4.0.2' });
      minutes(16);
      await login(db, config, { username: 'lucy', password: PW, ip: '10.4.0.1' });
    });

    it('rate-limits one name across addresses (unknown names too)', async () => {
      minutes(60);
      for (let i = 0; i < 6; i++) await expectCode(login(db, config, { username: 'ghost', password: PW, ip: `10.5.0.${i}` }), 'AUTH_FAILED');
      await expectCode(login(db, config, { username: 'ghost', password: PW, ip: '10.5.1.1' }), 'RATE_LIMITED');
    });
  });

  describe('API tokens', () => {
    it('stores the hash only, with a display prefix; resolves to its role; never above the owner', async () => {
      const olive = await getUser(db, 'olive'); // operator
      await expectCode(createToken(db, olive.id, { name: 'too-high', role: 'admin' }), 'FORBIDDEN');
      const { token, view } = await createToken(db, olive.id, { name: 'ci', role: 'viewer' }, new Date(nowMs));
      expect(token).toMatch(/^slu_[A-Za-z0-9_-]{43}$/);
      expect(token.startsWith(view.prefix)).toBe(true);
      const row = await db.apiToken.findUniqueOrThrow({ where: { id: view.id } });
      expect(row.tokenHash).toBe(sha256(token));
      expect(JSON.stringify(row)).not.toContain(token);
      expect(await resolveToken(db, token, new Date(nowMs))).toMatchObject({ username: 'olive', role: 'viewer', tokenName: 'ci' });
      expect((await db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt).not.toBeNull();
      expect(await resolveToken(db, token + 'x', new Date(nowMs))).toBeNull();
      expect(await resolveToken(db, 'not-a-token', new Date(nowMs))).toBeNull();
    });

    it('follows the owner: demoted caps the role, disabled stops it', async () => {
      const olive = await getUser(db, 'olive');
      const { token } = await createToken(db, olive.id, { name: 'deploy', role: 'operator' }, new Date(nowMs));
      await updateUser(db, 'olive', { role: 'viewer' });
      expect((await resolveToken(db, token, new Date(nowMs)))?.role).toBe('viewer');
      await updateUser(db, 'olive', { disabled: true });
      expect(await resolveToken(db, token, new Date(nowMs))).toBeNull();
      await updateUser(db, 'olive', { disabled: false, role: 'operator' });
      expect((await resolveToken(db, token, new Date(nowMs)))?.role).toBe('operator');
    });

    it('expires, is revoked by its owner or an admin, and hides other users’ tokens', async () => {
      const olive = await getUser(db, 'olive');
      const admin = await getUser(db, 'admin');
      await expectCode(createToken(db, olive.id, { name: 'past', role: 'viewer', expiresAt: new Date(nowMs - 1) }, new Date(nowMs)), 'INVALID_REQUEST');
      const short = await createToken(db, olive.id, { name: 'short', role: 'viewer', expiresAt: new Date(nowMs + 60_000) }, new Date(nowMs));
      expect(await resolveToken(db, short.token, new Date(nowMs))).not.toBeNull();
      expect(await resolveToken(db, short.token, new Date(nowMs + 60_000))).toBeNull();

      const mine = await createToken(db, admin.id, { name: 'admin-token', role: 'admin' }, new Date(nowMs));
      await expectCode(revokeToken(db, mine.view.id, olive.id), 'UNKNOWN_TOKEN');
      expect((await listTokens(db, olive.id)).map((x) => x.name)).not.toContain('admin-token');
      expect((await listTokens(db)).map((x) => x.name)).toContain('admin-token');
      const revoked = await revokeToken(db, mine.view.id, undefined, new Date(nowMs));
      expect(revoked.revokedAt).not.toBeNull();
      expect(await resolveToken(db, mine.token, new Date(nowMs))).toBeNull();
      await expectCode(revokeToken(db, 'no-such-id', undefined), 'UNKNOWN_TOKEN');
    });

    it('authenticate(): bearer wins over a cookie; malformed headers say why', async () => {
      const admin = await getUser(db, 'admin');
      const s = await createSession(db, config, admin.id);
      const olive = await getUser(db, 'olive');
      const { token } = await createToken(db, olive.id, { name: 'both', role: 'viewer' }, new Date(nowMs));
      const both = await authenticate(db, config, new Headers({ authorization: `Bearer ${token}`, cookie: `sluice_session=${s.secret}` }));
      expect(both.principal).toMatchObject({ kind: 'token', username: 'olive', role: 'viewer' });
      const cookieOnly = await authenticate(db, config, new Headers({ cookie: `other=1; sluice_session=${s.secret}` }));
      expect(cookieOnly.principal).toMatchObject({ kind: 'session', username: 'admin', role: 'admin' });
      const bad = await authenticate(db, config, new Headers({ authorization: 'Basic abc' }));
      expect(bad).toMatchObject({ principal: null, reason: expect.stringContaining('Bearer') });
    });
  });
});

describe('first start with a too-short SLUICE_ADMIN_PASSWORD', () => {
  it('refuses with the variable named, and creates nothing', async () => {
    const { freshSqliteDb } = await import('./test-db.js');
    const t = await freshSqliteDb();
    try {
      await expect(ensureFirstAdmin(t.db, { SLUICE_ADMIN_PASSWORD: 'short' }, () => {})).rejects.toThrow(/SLUICE_ADMIN_PASSWORD: password must be at least 12/);
      expect(await t.db.user.count()).toBe(0);
    } finally {
      await t.cleanup();
    }
  }, 300_000);
});
