import { describe, expect, it } from 'vitest';
import { csrfProblem, crossSiteProblem, isSafeMethod } from '../../../server/auth/csrf.js';
import { clientInfo, CLIENT_ADDRESS_HEADER } from '../../../server/auth/client-info.js';
import { clearedSessionCookie, readSessionCookie, sessionCookie } from '../../../server/auth/sessions.js';
import { roleAtLeast } from '../../../server/auth/roles.js';

const TOKEN = 'a'.repeat(43);
const req = (headers: Record<string, string>) => new Request('http://console.test:3000/api/v1/x', { method: 'POST', headers });

describe('CSRF checks', () => {
  it('accepts a same-origin write with the session token', () => {
    expect(csrfProblem(req({ host: 'console.test:3000', origin: 'http://console.test:3000', 'sec-fetch-site': 'same-origin', 'x-csrf-token': TOKEN }), TOKEN)).toBeNull();
    // Non-browser clients send neither Origin nor Sec-Fetch-Site: the token alone decides.
    expect(csrfProblem(req({ 'x-csrf-token': TOKEN }), TOKEN)).toBeNull();
  });

  it('refuses a missing or wrong token', () => {
    expect(csrfProblem(req({}), TOKEN)).toMatch(/missing x-csrf-token/);
    expect(csrfProblem(req({ 'x-csrf-token': 'b'.repeat(43) }), TOKEN)).toMatch(/does not match/);
    expect(csrfProblem(req({ 'x-csrf-token': TOKEN.slice(1) }), TOKEN)).toMatch(/does not match/);
  });

  it('refuses cross-site provenance even with the right token', () => {
    expect(csrfProblem(req({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': TOKEN }), TOKEN)).toMatch(/cross-site/);
    expect(csrfProblem(req({ 'sec-fetch-site': 'same-site', 'x-csrf-token': TOKEN }), TOKEN)).toMatch(/same-site/);
    expect(csrfProblem(req({ host: 'console.test:3000', origin: 'http://evil.test', 'x-csrf-token': TOKEN }), TOKEN)).toMatch(/cross-origin/);
    expect(csrfProblem(req({ origin: 'null', 'x-csrf-token': TOKEN }), TOKEN)).toMatch(/opaque/);
    expect(crossSiteProblem(req({ host: 'console.test:3000', origin: 'http://evil.test' }))).toMatch(/cross-origin/);
  });

  it('honours X-Forwarded-Host only behind a trusted proxy', () => {
    const h = { host: 'internal:3000', 'x-forwarded-host': 'console.example', origin: 'https://console.example', 'x-csrf-token': TOKEN };
    expect(csrfProblem(req(h), TOKEN, false)).toMatch(/cross-origin/);
    expect(csrfProblem(req(h), TOKEN, true)).toBeNull();
  });

  it('treats only GET, HEAD and OPTIONS as safe', () => {
    expect(['GET', 'head', 'OPTIONS'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].some(isSafeMethod)).toBe(false);
  });
});

describe('client info', () => {
  it('ignores forwarded headers unless the proxy is trusted', () => {
    const headers = new Headers({ 'x-forwarded-for': '1.2.3.4, 5.6.7.8', 'x-forwarded-proto': 'https', [CLIENT_ADDRESS_HEADER]: '127.0.0.1' });
    expect(clientInfo(headers, false)).toMatchObject({ ip: '127.0.0.1', secure: false });
    // The proxy's own entry is the last one; the first could be anything the client wrote.
    expect(clientInfo(headers, true)).toMatchObject({ ip: '5.6.7.8', secure: true });
  });
});

describe('session cookie', () => {
  it('is httpOnly, SameSite=Strict, Path=/, Secure only over https', () => {
    const plain = sessionCookie('abc', 3600, false);
    expect(plain).toBe('sluice_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600');
    expect(sessionCookie('abc', 3600, true)).toMatch(/; Secure$/);
    expect(clearedSessionCookie(false)).toContain('Max-Age=0');
    expect(readSessionCookie('a=1; sluice_session=xyz; b=2')).toBe('xyz');
    expect(readSessionCookie('sluice_sessionx=1')).toBeUndefined();
    expect(readSessionCookie(null)).toBeUndefined();
  });
});

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(roleAtLeast('admin', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(roleAtLeast('operator', 'admin')).toBe(false);
  });
});
