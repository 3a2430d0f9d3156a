/**
 * Sign-in checks for pages (server components). This is what enforces the login on pages;
 * proxy.ts only saves a round trip for visitors without a cookie at all.
 */
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '../db/client.js';
import { getAuthConfig } from './config.js';
import { resolveSession, SESSION_COOKIE, type SessionUser } from './sessions.js';

export async function currentSession(): Promise<SessionUser | null> {
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!secret) return null;
  return resolveSession(getDb(), getAuthConfig(), secret);
}

/** The session, or a redirect to the login page that comes back to `path` afterwards. */
export async function requireSession(path: string): Promise<SessionUser> {
  const session = await currentSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(safeNextPath(path))}`);
  if (session.mustChangePassword) redirect(`/login?change=1&next=${encodeURIComponent(safeNextPath(path))}`);
  return session;
}

/**
 * `next` as a path on this site, or `/`. Refuses anything a browser would take to another
 * origin: `//host`, `/\host`, schemes, and control characters browsers strip.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  try {
    const url = new URL(next, 'http://sluice.invalid');
    if (url.origin !== 'http://sluice.invalid') return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}
