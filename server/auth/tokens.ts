/**
 * API tokens for automation: `slu_` + 32 random bytes (base64url), sent as
 * `Authorization: Bearer slu_…`. Only the SHA-256 is stored, plus the first characters for
 * telling tokens apart in lists. A token acts with its own role, never above its owner's current
 * role (checked at creation and again on every use, so demoting a user demotes their tokens).
 */
import { z } from 'zod';
import { SluiceError } from '../../broker/errors.js';
import type { Db } from '../db/client.js';
import { forgetVerifiedPrincipals } from './auth-cache.js';
import { parseRole, roleAtLeast, type Role } from './roles.js';
import { randomSecret, sha256 } from './secrets.js';

export const TOKEN_PREFIX = 'slu_';
const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
export const tokenNameSchema = z.string().trim().min(1).max(100);

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

type TokenRow = Awaited<ReturnType<Db['apiToken']['findUniqueOrThrow']>> & { user: { username: string } };

function toTokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: parseRole(row.role),
    owner: row.user.username,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export interface NewToken {
  name: string;
  role: Role;
  expiresAt?: Date | null;
}

export async function createToken(db: Db, ownerId: string, input: NewToken, now: Date = new Date()): Promise<{ token: string; view: TokenView }> {
  const name = tokenNameSchema.parse(input.name);
  const owner = await db.user.findUnique({ where: { id: ownerId } });
  if (!owner) throw new SluiceError('UNKNOWN_USER', 'the token owner does not exist');
  if (!roleAtLeast(parseRole(owner.role), input.role)) {
    throw new SluiceError('FORBIDDEN', `a token cannot have a higher role than its owner (${owner.role})`);
  }
  if (input.expiresAt && input.expiresAt <= now) throw new SluiceError('INVALID_REQUEST', 'expiresAt must be in the future');
  const token = TOKEN_PREFIX + randomSecret();
  const row = await db.apiToken.create({
    data: {
      name,
      prefix: token.slice(0, DISPLAY_PREFIX_LENGTH),
      tokenHash: sha256(token),
      role: input.role,
      userId: ownerId,
      expiresAt: input.expiresAt ?? null,
    },
    include: { user: { select: { username: true } } },
  });
  return { token, view: toTokenView(row) };
}

/** Tokens of one owner, or every token when `ownerId` is undefined (admins). */
export async function listTokens(db: Db, ownerId?: string): Promise<TokenView[]> {
  const rows = await db.apiToken.findMany({
    where: ownerId === undefined ? {} : { userId: ownerId },
    include: { user: { select: { username: true } } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(toTokenView);
}

/**
 * Revokes a token. `ownerId` restricts it to that owner's tokens; someone else's token is
 * reported as unknown, not forbidden, so ids of other users' tokens cannot be probed.
 */
export async function revokeToken(db: Db, id: string, ownerId: string | undefined, now: Date = new Date()): Promise<TokenView> {
  const row = await db.apiToken.findUnique({ where: { id }, include: { user: { select: { username: true } } } });
  if (!row || (ownerId !== undefined && row.userId !== ownerId)) throw new SluiceError('UNKNOWN_TOKEN', `no token with id ${id}`);
  if (row.revokedAt) return toTokenView(row);
  const updated = await db.apiToken.update({ where: { id }, data: { revokedAt: now }, include: { user: { select: { username: true } } } });
  forgetVerifiedPrincipals();
  return toTokenView(updated);
}

export interface TokenPrincipal {
  tokenId: string;
  tokenName: string;
  userId: string;
  username: string;
  role: Role;
}

const LAST_USED_PRECISION_MS = 60_000;

/** The principal for a bearer token, or null (unknown, revoked, expired, owner disabled). */
export async function resolveToken(db: Db, token: string, now: Date = new Date()): Promise<TokenPrincipal | null> {
  return (await verifyToken(db, token, now))?.principal ?? null;
}

/** `resolveToken`, plus the instant (ms) the token expires: how long an answer may be remembered. */
export async function verifyToken(db: Db, token: string, now: Date = new Date()): Promise<{ principal: TokenPrincipal; endsBy: number } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabled) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const tokenRole = parseRole(row.role);
  const ownerRole = parseRole(row.user.role);
  const principal: TokenPrincipal = {
    tokenId: row.id,
    tokenName: row.name,
    userId: row.userId,
    username: row.user.username,
    role: roleAtLeast(ownerRole, tokenRole) ? tokenRole : ownerRole,
  };
  return { principal, endsBy: row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY };
}
