import type { ReactNode } from 'react';
import { requireAdminPage } from '../admin-only';

export const dynamic = 'force-dynamic';

/** Refuses non-admins with a real 403 before the page (and its loading state) starts streaming. */
export default async function AuditLayout({ children }: { children: ReactNode }) {
  await requireAdminPage('audit');
  return children;
}
