/**
 * Account settings, read once from the environment.
 *
 * | variable                          | default | meaning                                               |
 * | --------------------------------- | ------- | ----------------------------------------------------- |
 * | `SLUICE_SESSION_IDLE_MINUTES`     | `60`    | a session unused this long ends                       |
 * | `SLUICE_SESSION_MAX_HOURS`        | `12`    | a session ends this long after login, used or not     |
 * | `SLUICE_LOGIN_MAX_FAILURES`       | `5`     | consecutive failures that lock an account             |
 * | `SLUICE_LOGIN_LOCKOUT_MINUTES`    | `15`    | how long the lock lasts                               |
 * | `SLUICE_LOGIN_WINDOW_MINUTES`     | `15`    | window of the per-address and per-name rate limits    |
 * | `SLUICE_LOGIN_MAX_PER_IP`         | `20`    | failed logins per address in the window               |
 * | `SLUICE_LOGIN_MAX_PER_USERNAME`   | `10`    | failed logins per user name in the window             |
 * | `SLUICE_TRUST_PROXY`              | unset   | `1`: honour X-Forwarded-For / X-Forwarded-Proto       |
 * | `SLUICE_AUTH_CACHE_MS`            | `5000`  | how long a verified token/session is remembered (0: off); changes made by this process apply at once |
 */
import { SluiceError } from '../../broker/errors.js';

export interface AuthConfig {
  sessionIdleMs: number;
  sessionMaxMs: number;
  maxFailures: number;
  lockoutMs: number;
  windowMs: number;
  maxPerIp: number;
  maxPerUsername: number;
  trustProxy: boolean;
  /** How long a verified token or session is remembered (server/auth/auth-cache.ts); 0 turns it off. */
  authCacheMs: number;
  /** The clock; tests pass a controllable one to cross timeouts without waiting. */
  now: () => Date;
}

type Env = Readonly<Record<string, string | undefined>>;

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n <= 0) {
    throw new SluiceError('INVALID_CONFIG', `${name}: must be a positive integer (got ${JSON.stringify(raw)})`);
  }
  return n;
}

function nonNegative(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < 0) {
    throw new SluiceError('INVALID_CONFIG', `${name}: must be a non-negative integer (got ${JSON.stringify(raw)})`);
  }
  return n;
}

export function loadAuthConfig(env: Env = process.env, now: () => Date = () => new Date()): AuthConfig {
  const minute = 60_000;
  return {
    sessionIdleMs: positive(env, 'SLUICE_SESSION_IDLE_MINUTES', 60) * minute,
    sessionMaxMs: positive(env, 'SLUICE_SESSION_MAX_HOURS', 12) * 60 * minute,
    maxFailures: positive(env, 'SLUICE_LOGIN_MAX_FAILURES', 5),
    lockoutMs: positive(env, 'SLUICE_LOGIN_LOCKOUT_MINUTES', 15) * minute,
    windowMs: positive(env, 'SLUICE_LOGIN_WINDOW_MINUTES', 15) * minute,
    maxPerIp: positive(env, 'SLUICE_LOGIN_MAX_PER_IP', 20),
    maxPerUsername: positive(env, 'SLUICE_LOGIN_MAX_PER_USERNAME', 10),
    trustProxy: env.SLUICE_TRUST_PROXY === '1',
    authCacheMs: nonNegative(env, 'SLUICE_AUTH_CACHE_MS', 5000),
    now,
  };
}

const GLOBAL_KEY = Symbol.for('sluice.authConfig');
type GlobalWithConfig = typeof globalThis & { [GLOBAL_KEY]?: AuthConfig };

/** The process-wide settings (from `process.env`, on first use). */
export function getAuthConfig(): AuthConfig {
  const g = globalThis as GlobalWithConfig;
  return (g[GLOBAL_KEY] ??= loadAuthConfig());
}
