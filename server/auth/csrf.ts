/**
 * CSRF defence for cookie-authenticated writes, two independent checks:
 *  1. the `x-csrf-token` header must equal the session's token (a cross-site page cannot read
 *     it, and cannot set custom headers on a form post);
 *  2. the browser's own provenance headers must not say cross-site: `Sec-Fetch-Site` when sent,
 *     else `Origin` must match the request's host.
 * Bearer-token requests skip this: browsers never attach those on their own.
 */
import { constantTimeEqual } from './secrets.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Check 2 alone: null unless the browser says the request comes from another site. Also applied
 * to writes that have no session yet (sign-in), against login CSRF.
 */
export function crossSiteProblem(request: Request, trustProxy = false): string | null {
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') {
    return `cross-site request refused (Sec-Fetch-Site: ${fetchSite})`;
  }
  const origin = request.headers.get('origin');
  if (origin && origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'malformed Origin header';
    }
    const forwardedHost = trustProxy ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    const host = forwardedHost || request.headers.get('host') || new URL(request.url).host;
    if (originHost !== host) return `cross-origin request refused (Origin: ${origin})`;
  } else if (origin === 'null') {
    return 'request from an opaque origin refused';
  }
  return null;
}

/** Both checks, for a write authenticated by a session cookie: null when it may proceed. */
export function csrfProblem(request: Request, sessionCsrfToken: string, trustProxy = false): string | null {
  const crossSite = crossSiteProblem(request, trustProxy);
  if (crossSite) return crossSite;
  const token = request.headers.get(CSRF_HEADER);
  if (!token) return `missing ${CSRF_HEADER} header`;
  if (!constantTimeEqual(token, sessionCsrfToken)) return `${CSRF_HEADER} does not match the session`;
  return null;
}
