/**
 * Who is making a request: a browser session (cookie) or an API token (bearer). A request
 * carrying a bearer token is judged by the token alone, even if a cookie came along. Verified
 * credentials are remembered for a few seconds (auth-cache.ts; revocation still applies at once).
 */
import type { Db } from '../db/client.js';
import { cacheGeneration, cachedVerified, rememberVerified } from './auth-cache.js';
import type { AuthConfig } from './config.js';
import type { Role } from './roles.js';
import { sha256 } from './secrets.js';
import { readSessionCookie, verifySession, type SessionUser } from './sessions.js';
import { verifyToken, type TokenPrincipal } from './tokens.js';

export type Principal =
  | { kind: 'session'; userId: string; username: string; role: Role; session: SessionUser }
  | { kind: 'token'; userId: string; username: string; role: Role; token: TokenPrincipal };

/** How audit rows and logs name the principal. */
export function actorName(p: Principal): string {
  return p.kind === 'token' ? `token:${p.token.tokenName} (${p.username})` : p.username;
}

export type Authentication = { principal: Principal } | { principal: null; reason: string };

export async function authenticate(db: Db, config: AuthConfig, headers: Headers): Promise<Authentication> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) return { principal: null, reason: 'the Authorization header must be "Bearer <token>"' };
    const token = await lookupToken(db, config, match[1]);
    if (!token) return { principal: null, reason: 'the API token is unknown, revoked or expired' };
    return { principal: { kind: 'token', userId: token.userId, username: token.username, role: token.role, token } };
  }
  const secret = readSessionCookie(headers.get('cookie'));
  if (!secret) return { principal: null, reason: 'sign in first' };
  const session = await lookupSession(db, config, secret);
  if (!session) return { principal: null, reason: 'the session has expired; sign in again' };
  return { principal: { kind: 'session', userId: session.userId, username: session.username, role: session.role, session } };
}

// Only successes are remembered: an unknown or revoked credential always costs a lookup, so a
// token created a moment ago works at once.
async function lookupToken(db: Db, config: AuthConfig, token: string): Promise<TokenPrincipal | null> {
  const key = `t:${sha256(token)}`;
  const now = config.now();
  const hit = cachedVerified(db, key, now.getTime());
  if (hit?.kind === 'token') return hit.token;
  const generation = cacheGeneration();
  const found = await verifyToken(db, token, now);
  if (!found) return null;
  rememberVerified(db, key, { kind: 'token', token: found.principal }, now.getTime(), config.authCacheMs, found.endsBy, generation);
  return found.principal;
}

async function lookupSession(db: Db, config: AuthConfig, secret: string): Promise<SessionUser | null> {
  const key = `s:${sha256(secret)}`;
  const now = config.now().getTime();
  const hit = cachedVerified(db, key, now);
  if (hit?.kind === 'session') return hit.session;
  const generation = cacheGeneration();
  const found = await verifySession(db, config, secret);
  if (!found) return null;
  rememberVerified(db, key, { kind: 'session', session: found.session }, now, config.authCacheMs, found.endsBy, generation);
  return found.session;
}
