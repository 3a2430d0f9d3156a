/**
 * Who is making a request: a browser session (cookie) or an API token (bearer). A request
 * carrying a bearer token is judged by the token alone, even if a cookie came along.
 */
import type { Db } from '../db/client.js';
import type { AuthConfig } from './config.js';
import type { Role } from './roles.js';
import { readSessionCookie, resolveSession, type SessionUser } from './sessions.js';
import { resolveToken, type TokenPrincipal } from './tokens.js';

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
    const token = await resolveToken(db, match[1], config.now());
    if (!token) return { principal: null, reason: 'the API token is unknown, revoked or expired' };
    return { principal: { kind: 'token', userId: token.userId, username: token.username, role: token.role, token } };
  }
  const secret = readSessionCookie(headers.get('cookie'));
  if (!secret) return { principal: null, reason: 'sign in first' };
  const session = await resolveSession(db, config, secret);
  if (!session) return { principal: null, reason: 'the session has expired; sign in again' };
  return { principal: { kind: 'session', userId: session.userId, username: session.username, role: session.role, session } };
}
