import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../../../server/auth/config.js';
import { purgeStaleAuthRows } from '../../../server/auth/housekeeping.js';
import { createSession } from '../../../server/auth/sessions.js';
import { createUser } from '../../../server/auth/users.js';
import { freshSqliteDb, type TestDb } from './test-db.js';

let t: TestDb;
beforeAll(async () => {
  t = await freshSqliteDb();
}, 300_000);
afterAll(async () => t?.cleanup());

describe('auth housekeeping', () => {
  it('drops expired sessions and failed logins outside the window, keeps the rest', async () => {
    let now = Date.parse('2026-05-01T00:00:00Z');
    const config = { ...loadAuthConfig({ SLUICE_SESSION_MAX_HOURS: '1', SLUICE_LOGIN_WINDOW_MINUTES: '15' }), now: () => new Date(now) };
    const user = await createUser(t.db, { username: 'hk', password: 'housekeeping pw', role: 'viewer' });
    await createSession(t.db, config, user.id);
    await t.db.loginAttempt.create({ data: { ip: '1.1.1.1', username: 'hk', at: new Date(now) } });
    now += 30 * 60_000;
    const live = await createSession(t.db, config, user.id);
    now += 31 * 60_000; // first session past 1 h, first attempt past 15 min
    await t.db.loginAttempt.create({ data: { ip: '1.1.1.1', username: 'hk', at: new Date(now - 5 * 60_000) } });
    expect(await purgeStaleAuthRows(t.db, config)).toEqual({ sessions: 1, loginAttempts: 1 });
    expect((await t.db.session.findMany()).map((s) => s.id)).toEqual([live.sessionId]);
    expect(await t.db.loginAttempt.count()).toBe(1);
  });
});

describe('auth settings', () => {
  it('refuses a malformed value with the variable named', () => {
    expect(() => loadAuthConfig({ SLUICE_SESSION_IDLE_MINUTES: 'ten' })).toThrow(/SLUICE_SESSION_IDLE_MINUTES: must be a positive integer/);
    expect(() => loadAuthConfig({ SLUICE_LOGIN_MAX_FAILURES: '0' })).toThrow(/SLUICE_LOGIN_MAX_FAILURES/);
    expect(loadAuthConfig({}).sessionIdleMs).toBe(60 * 60_000);
    expect(loadAuthConfig({ SLUICE_TRUST_PROXY: '1' }).trustProxy).toBe(true);
  });
});
