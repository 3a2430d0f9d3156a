/**
 * Drops rows that no longer mean anything: sessions past their absolute lifetime and failed
 * logins older than the rate-limit window. Correctness never depends on it (expired rows are
 * refused when read); it only keeps the tables small.
 */
import { createLogger } from '../../broker/logger.js';
import type { Db } from '../db/client.js';
import type { AuthConfig } from './config.js';
import { purgeLoginAttempts } from './rate-limit.js';
import { purgeExpiredSessions } from './sessions.js';

const log = createLogger('auth');
export const HOUSEKEEPING_INTERVAL_MS = 60 * 60_000;

export async function purgeStaleAuthRows(db: Db, config: AuthConfig): Promise<{ sessions: number; loginAttempts: number }> {
  const sessions = await purgeExpiredSessions(db, config);
  const loginAttempts = await purgeLoginAttempts(db, config);
  return { sessions, loginAttempts };
}

/** Purges now and then hourly; returns the function that stops it (for shutdown). */
export function startAuthHousekeeping(db: Db, config: AuthConfig): () => Promise<void> {
  const run = () =>
    purgeStaleAuthRows(db, config).catch((err: unknown) => log.warn('auth housekeeping failed', { error: err instanceof Error ? err.message : String(err) }));
  void run();
  const timer = setInterval(run, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
