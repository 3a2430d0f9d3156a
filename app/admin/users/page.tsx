import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { adminPageAccess } from '../../../server/console/admin/access.js';
import { loadUsers } from '../../../server/console/admin/data.js';
import { AdminTabs } from '../admin-tabs';
import { UsersPanel } from './users-panel';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Users and roles' };

export default async function UsersPage() {
  const { session, allowed } = await adminPageAccess('users');
  if (!allowed) forbidden(); // layout.tsx refuses first (with the 403 status); this keeps the page safe on its own
  const users = await loadUsers();
  return (
    <>
      <div className="page-head">
        <h1>Users and roles</h1>
        <p className="muted">Console accounts. Viewers read, operators also change topics, groups and messages, admins also manage users.</p>
      </div>
      <AdminTabs role={session.role} current="users" />
      <UsersPanel initialUsers={users} initialUpdatedAt={Date.now()} csrfToken={session.csrfToken} me={session.username} />
    </>
  );
}
