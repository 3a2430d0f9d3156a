/**
 * First-paint data of the admin pages, read straight from the metadata store with the same
 * functions the API routes use, so server-rendered rows and later client refetches agree.
 * Callers must have checked access (access.ts) first.
 */
import { queryAudit, type AuditEventView, type AuditFilter } from '../../audit/query.js';
import type { SessionUser } from '../../auth/sessions.js';
import { listTokens, type TokenView } from '../../auth/tokens.js';
import { listUsers, type UserView } from '../../auth/users.js';
import { DEFAULT_PAGE_LIMIT, type Page } from '../../api/pagination.js';
import { getDb } from '../../db/client.js';

export const AUDIT_PAGE_SIZE = DEFAULT_PAGE_LIMIT;

export async function loadUsers(): Promise<UserView[]> {
  return listUsers(getDb());
}

/** The session's own tokens; every token when `everyone` and the session is an admin. */
export async function loadTokens(session: SessionUser, everyone: boolean): Promise<TokenView[]> {
  return listTokens(getDb(), everyone && session.role === 'admin' ? undefined : session.userId);
}

export async function loadAuditPage(filter: AuditFilter): Promise<Page<AuditEventView>> {
  return queryAudit(getDb(), filter, { limit: AUDIT_PAGE_SIZE });
}
