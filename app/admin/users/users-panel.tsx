'use client';

import { useQuery } from '@tanstack/react-query';
import { adminKeys } from '../../../lib/admin-query-keys';
import { describeError, FRESH_FROM_SERVER } from '../api';
import styles from '../admin.module.css';
import { formatDateTime, isFuture } from '../format';
import { Notice, useNotice } from '../notice';
import { CreateUserForm } from './create-user-form';
import { UserActions } from './user-actions';
import { fetchUsers, type UserView } from './users-api';

export function UsersPanel({
  initialUsers,
  initialUpdatedAt,
  csrfToken,
  me,
}: {
  initialUsers: UserView[];
  initialUpdatedAt: number;
  csrfToken: string;
  me: string;
}) {
  const notices = useNotice();
  const users = useQuery({ queryKey: adminKeys.users(), queryFn: fetchUsers, initialData: initialUsers, initialDataUpdatedAt: initialUpdatedAt, ...FRESH_FROM_SERVER });

  return (
    <>
      <CreateUserForm csrfToken={csrfToken} onCreated={(u) => notices.success(`User ${u.username} created as ${u.role}; they choose their own password at first sign-in.`)} />
      <section className={styles.panel} aria-labelledby="users-title">
        <div className={styles.panelHead}>
          <h2 id="users-title">Accounts</h2>
          <span className="muted" role="status">
            {users.isFetching ? 'Refreshing…' : `${users.data.length} ${users.data.length === 1 ? 'account' : 'accounts'}`}
          </span>
        </div>
        {users.isError && (
          <p className={styles.inlineError} role="alert">
            Could not refresh the list: {describeError(users.error)}
          </p>
        )}
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Locked until</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className={styles.srOnly}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.length === 0 && (
                <tr>
                  <td colSpan={6} className={styles.empty}>
                    No accounts.
                  </td>
                </tr>
              )}
              {users.data.map((user) => (
                <tr key={user.id} data-testid={`user-row-${user.username}`}>
                  <td className={styles.nowrap}>
                    <strong>{user.username}</strong>
                    {user.username === me && <span className="muted"> (you)</span>}
                  </td>
                  <td>
                    <UserActions.Role key={user.role} user={user} csrfToken={csrfToken} notices={notices} />
                  </td>
                  <td>
                    <StatusBadges user={user} />
                  </td>
                  <td>{isFuture(user.lockedUntil) ? formatDateTime(user.lockedUntil) : '—'}</td>
                  <td>{formatDateTime(user.lastLoginAt)}</td>
                  <td>
                    <UserActions.Row user={user} csrfToken={csrfToken} notices={notices} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <Notice notice={notices.notice} onDismiss={notices.clear} />
    </>
  );
}

function StatusBadges({ user }: { user: UserView }) {
  return (
    <span className={styles.badges}>
      {user.disabled ? <span className={styles.badgeBad}>disabled</span> : <span className={styles.badgeOk}>active</span>}
      {isFuture(user.lockedUntil) && <span className={styles.badgeWarn}>locked</span>}
      {user.mustChangePassword && <span className={styles.badgeWarn}>must change password</span>}
    </span>
  );
}
