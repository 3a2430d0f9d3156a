import { forbidden } from 'next/navigation';
import { adminPageAccess, type AdminPage } from '../../server/console/admin/access.js';

/**
 * Signs the visitor in (or redirects to /login) and answers 403 (forbidden.tsx) when their role
 * cannot open `page`. Called from the page's layout: the layout renders before the page's
 * loading.tsx boundary, so the refusal comes before anything is streamed and the HTTP status is a
 * real 403 rather than a 200 with a 403 message in it.
 */
export async function requireAdminPage(page: AdminPage): Promise<void> {
  const { allowed } = await adminPageAccess(page);
  if (!allowed) forbidden();
}
