/**
 * Browser sessions. The cookie carries 32 random bytes; the database keeps their SHA-256, so
 * reading the database does not let anyone sign in. A session ends when idle for
 * `sessionIdleMs`, `sessionMaxMs` after login whatever happens, at logout, or when the user is
 * disabled, deleted or has their password reset.
 */
import type { Db } from '../db/client.js';
import { forgetVerifiedPrincipals } from './auth-cache.js';
import type { AuthConfig } from './config.js';
import { parseRole, type Role } from './roles.js';
import { randomSecret, sha256 } from './secrets.js';

export const SESSION_COOKIE = 'sluice_session';

export interface SessionUser {
  sessionId: string;
  csrfToken: string;
  userId: string;
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

export interface NewSession {
  /** The cookie value: given to the browser once, never stored. */
  secret: string;
  csrfToken: string;
  sessionId: string;
  expiresAt: Date;
}

export async function createSession(
  db: Db,
  config: AuthConfig,
  userId: string,
  client: { ip?: string; userAgent?: string } = {},
): Promise<NewSession> {
  const secret = randomSecret();
  const csrfToken = randomSecret();
  const now = config.now();
  const expiresAt = new Date(now.getTime() + config.sessionMaxMs);
  const row = await db.session.create({
    data: {
      tokenHash: sha256(secret),
      csrfToken,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { secret, csrfToken, sessionId: row.id, expiresAt };
}

// Touching lastSeenAt on every request would be one write per request; a minute's precision is
// plenty for an idle timeout counted in minutes.
const TOUCH_AFTER_MS = 60_000;

/** The live session for a cookie value, or null (unknown, expired, idle too long, user disabled). */
export async function resolveSession(db: Db, config: AuthConfig, secret: string): Promise<SessionUser | null> {
  return (await verifySession(db, config, secret))?.session ?? null;
}

/**
 * `resolveSession`, plus the instant (ms) the session would end if not used again (idle timeout
 * or absolute lifetime): how long an answer may be remembered.
 */
export async function verifySession(db: Db, config: AuthConfig, secret: string): Promise<{ session: SessionUser; endsBy: number } | null> {
  if (!secret) return null;
  const row = await db.session.findUnique({ where: { tokenHash: sha256(secret) }, include: { user: true } });
  if (!row) return null;
  const now = config.now().getTime();
  let lastSeen = row.lastSeenAt.getTime();
  const idleFor = now - lastSeen;
  if (row.expiresAt.getTime() <= now || idleFor >= config.sessionIdleMs || row.user.disabled) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  if (idleFor >= TOUCH_AFTER_MS) {
    await db.session.update({ where: { id: row.id }, data: { lastSeenAt: new Date(now) } });
    lastSeen = now;
  }
  const session: SessionUser = {
    sessionId: row.id,
    csrfToken: row.csrfToken,
    userId: row.userId,
    username: row.user.username,
    role: parseRole(row.user.role),
    mustChangePassword: row.user.mustChangePassword,
  };
  return { session, endsBy: Math.min(row.expiresAt.getTime(), lastSeen + config.sessionIdleMs) };
}

/** Logout: the row goes, so the cookie is worthless even if it was copied. */
export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
  forgetVerifiedPrincipals();
}

/** Housekeeping: drops rows past their absolute lifetime. */
export async function purgeExpiredSessions(db: Db, config: AuthConfig): Promise<number> {
  return (await db.session.deleteMany({ where: { expiresAt: { lte: config.now() } } })).count;
}

/** The Set-Cookie value for a new session (`secure` when the request came over https). */
export function sessionCookie(secret: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${secret}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join(
    '; ',
  );
}

/** The Set-Cookie value that removes the cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** The session cookie's value from a Cookie header, if present. */
export function readSessionCookie(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
