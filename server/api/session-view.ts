/** What the API says about the signed-in principal (sign-in, who-am-I). */
import type { Principal } from '../auth/principal.js';
import type { Role } from '../auth/roles.js';

export interface SessionView {
  username: string;
  role: Role;
  via: 'session' | 'token';
  mustChangePassword: boolean;
  /** The value for the x-csrf-token header on writes; null for token callers, who need none. */
  csrfToken: string | null;
}

export function sessionView(p: Principal): SessionView {
  return {
    username: p.username,
    role: p.role,
    via: p.kind,
    mustChangePassword: p.kind === 'session' ? p.session.mustChangePassword : false,
    csrfToken: p.kind === 'session' ? p.session.csrfToken : null,
  };
}
