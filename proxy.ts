/**
 * Sends visitors without a session cookie to the login page before any page renders. Only the
 * cookie's presence is checked here (cheap, no database); each page checks the session itself
 * on the server (server/auth/page-session.ts), and every API route through its wrapper.
 */
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'sluice_session';

export function proxy(request: NextRequest): NextResponse {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const login = new URL('/login', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') login.searchParams.set('next', next);
  return NextResponse.redirect(login);
}

export const config = {
  // Pages only: the API answers 401 itself, and assets, /login and /metrics must stay reachable.
  matcher: ['/((?!api/|_next/|login|metrics|icon\\.svg|favicon\\.ico|robots\\.txt).*)'],
};
