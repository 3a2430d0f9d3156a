/**
 * Who may read /metrics. Metrics name topics and consumer groups, so they are not public:
 *
 * - `SLUICE_METRICS_TOKEN` set: `Authorization: Bearer <token>` is required, whatever the bind
 *   (a reverse proxy on the same machine makes a loopback console reachable from outside; the
 *   token is how an operator closes that);
 * - no token, console bound to loopback (SLUICE_HTTP_HOST 127.0.0.1, ::1 or localhost; the
 *   default): only this machine can connect, so no credentials are asked;
 * - no token, any other bind: the endpoint does not exist (404), and says which setting enables it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export type MetricsEnv = Readonly<Record<string, string | undefined>>;

export type MetricsAccess =
  | { allowed: true; reason: 'loopback' | 'token' }
  | { allowed: false; status: 401 | 404; message: string };

const DEFAULT_HTTP_HOST = '127.0.0.1';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

export function isLoopbackBind(env: MetricsEnv): boolean {
  const host = (env['SLUICE_HTTP_HOST'] ?? '').trim() || DEFAULT_HTTP_HOST;
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

export function checkMetricsAccess(authorization: string | null, env: MetricsEnv): MetricsAccess {
  const token = env['SLUICE_METRICS_TOKEN'] ?? '';
  if (token === '') {
    if (isLoopbackBind(env)) return { allowed: true, reason: 'loopback' };
    const host = (env['SLUICE_HTTP_HOST'] ?? '').trim();
    return {
      allowed: false,
      status: 404,
      message: `/metrics is disabled: the console listens on ${host} (SLUICE_HTTP_HOST), not loopback, and SLUICE_METRICS_TOKEN is not set. Set it and scrape with "Authorization: Bearer <token>".`,
    };
  }
  const presented = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) return { allowed: false, status: 401, message: '/metrics requires "Authorization: Bearer <SLUICE_METRICS_TOKEN>".' };
  if (!sameSecret(presented, token)) return { allowed: false, status: 401, message: 'The bearer token does not match SLUICE_METRICS_TOKEN.' };
  return { allowed: true, reason: 'token' };
}

/** Constant-time comparison: both sides are hashed first, so neither the content nor the length
 * of the configured token leaks through timing. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
