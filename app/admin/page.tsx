import { redirect } from 'next/navigation';
import { adminPageAccess } from '../../server/console/admin/access.js';

export const dynamic = 'force-dynamic';

/** /admin: the first admin page this role can open. */
export default async function AdminIndex() {
  const { allowed } = await adminPageAccess('users');
  redirect(allowed ? '/admin/users' : '/admin/tokens');
}
