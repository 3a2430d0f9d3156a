/**
 * Failed-login throttling by client address and by user name, counted from LoginAttempt rows so
 * that a restart does not reset it. Only failures are recorded; a success clears the name's
 * failures (not the address's: one right password must not reopen a guessing address).
 */
import { SluiceError } from '../../broker/errors.js';
import type { Db } from '../db/client.js';
import type { AuthConfig } from './config.js';

/** Throws RATE_LIMITED when the address or the name has used up its failures in the window. */
export async function checkLoginRate(db: Db, config: AuthConfig, ip: string, username: string): Promise<void> {
  const since = new Date(config.now().getTime() - config.windowMs);
  const [byIp, byName] = await Promise.all([
    db.loginAttempt.count({ where: { ip, at: { gt: since } } }),
    db.loginAttempt.count({ where: { username, at: { gt: since } } }),
  ]);
  if (byIp >= config.maxPerIp || byName >= config.maxPerUsername) {
    throw new SluiceError('RATE_LIMITED', 'too many failed sign-in attempts; try again later', {
      retryAfterSeconds: Math.ceil(config.windowMs / 1000),
    });
  }
}

export async function recordLoginFailure(db: Db, config: AuthConfig, ip: string, username: string): Promise<void> {
  await db.loginAttempt.create({ data: { ip, username, at: config.now() } });
}

export async function clearLoginFailures(db: Db, username: string): Promise<void> {
  await db.loginAttempt.deleteMany({ where: { username } });
}

/** Housekeeping: rows older than the window no longer count for anything. */
export async function purgeLoginAttempts(db: Db, config: AuthConfig): Promise<number> {
  const before = new Date(config.now().getTime() - config.windowMs);
  return (await db.loginAttempt.deleteMany({ where: { at: { lte: before } } })).count;
}
