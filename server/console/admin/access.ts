/**
 * Who may open which admin page, decided on the server before anything is rendered. Users and
 * the audit log are admin-only; the tokens page is open to every signed-in user (their own).
 */
import { roleAtLeast, type Role } from '../../auth/roles.js';
import { requireSession } from '../../auth/page-session.js';
import type { SessionUser } from '../../auth/sessions.js';

export type AdminPage = 'users' | 'tokens' | 'audit';

const REQUIRED_ROLE: Record<AdminPage, Role> = { users: 'admin', tokens: 'viewer', audit: 'admin' };

export interface AdminPageAccess {
  session: SessionUser;
  /** False: render the 403 page instead of the content. */
  allowed: boolean;
  required: Role;
}

/** Signs the visitor in (or redirects to /login) and says whether their role opens `page`. */
export async function adminPageAccess(page: AdminPage): Promise<AdminPageAccess> {
  const session = await requireSession(`/admin/${page}`);
  const required = REQUIRED_ROLE[page];
  return { session, allowed: roleAtLeast(session.role, required), required };
}

/** The admin pages a role can open, in menu order. */
export function visibleAdminPages(role: Role): AdminPage[] {
  return (Object.keys(REQUIRED_ROLE) as AdminPage[]).filter((page) => roleAtLeast(role, REQUIRED_ROLE[page]));
}
