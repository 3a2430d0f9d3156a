/**
 * Sign-in. Every failure a caller can cause gets the same AUTH_FAILED message, whether the name
 * is unknown, the password wrong or the account disabled, and an unknown name still pays for a
 * password verification, so neither the answer nor its timing says which names exist.
 * A locked account says so (ACCOUNT_LOCKED) only after the right password: a guesser learns
 * nothing from it, the owner learns why they cannot get in.
 */
import { SluiceError } from '../../broker/errors.js';
import type { Db } from '../db/client.js';
import type { AuthConfig } from './config.js';
import { burnVerifyTime, verifyPassword } from './passwords.js';
import { checkLoginRate, clearLoginFailures, recordLoginFailure } from './rate-limit.js';
import { createSession, type NewSession } from './sessions.js';
import { toUserView, type UserView } from './users.js';

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string;
}

export interface LoginResult {
  user: UserView;
  session: NewSession;
}

const AUTH_FAILED_MESSAGE = 'unknown user name or wrong password';

export async function login(db: Db, config: AuthConfig, input: LoginInput): Promise<LoginResult> {
  const username = input.username.slice(0, 128);
  await checkLoginRate(db, config, input.ip, username);
  const user = await db.user.findUnique({ where: { username } });
  if (!user) {
    await burnVerifyTime(input.password);
    await recordLoginFailure(db, config, input.ip, username);
    throw new SluiceError('AUTH_FAILED', AUTH_FAILED_MESSAGE);
  }
  const ok = await verifyPassword(user.passwordHash, input.password);
  const now = config.now();
  if (user.lockedUntil && user.lockedUntil > now) {
    if (!ok) await recordLoginFailure(db, config, input.ip, username);
    if (!ok) throw new SluiceError('AUTH_FAILED', AUTH_FAILED_MESSAGE);
    throw new SluiceError('ACCOUNT_LOCKED', 'this account is locked after too many failed sign-ins; try again later', {
      retryAfterSeconds: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000),
    });
  }
  if (!ok || user.disabled) {
    await recordLoginFailure(db, config, input.ip, username);
    if (!ok) {
      // Incremented in the database, so concurrent guesses cannot each read the same count.
      const { failedLogins } = await db.user.update({ where: { id: user.id }, data: { failedLogins: { increment: 1 } } });
      if (failedLogins >= config.maxFailures) {
        await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: new Date(now.getTime() + config.lockoutMs) } });
      }
    }
    throw new SluiceError('AUTH_FAILED', AUTH_FAILED_MESSAGE);
  }
  const updated = await db.user.update({ where: { id: user.id }, data: { failedLogins: 0, lockedUntil: null, lastLoginAt: now } });
  await clearLoginFailures(db, username);
  const session = await createSession(db, config, user.id, { ip: input.ip, userAgent: input.userAgent });
  return { user: toUserView(updated), session };
}
