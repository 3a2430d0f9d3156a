/**
 * TanStack Query key factories of the admin pages (users, API tokens, audit log). Invalidating
 * `adminKeys.all` refreshes every admin list at once, e.g. after a user is deleted (their tokens
 * go with them).
 */
export interface AuditFilterKey {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
}

export const adminKeys = {
  all: ['admin'] as const,
  users: () => [...adminKeys.all, 'users'] as const,
  tokens: (scope: 'mine' | 'all') => [...adminKeys.all, 'tokens', scope] as const,
  auditAll: () => [...adminKeys.all, 'audit'] as const,
  audit: (filter: AuditFilterKey) => [...adminKeys.auditAll(), filter] as const,
};
