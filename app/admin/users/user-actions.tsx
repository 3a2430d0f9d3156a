'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { adminKeys } from '../../../lib/admin-query-keys';
import { ApiError } from '../../../lib/api-client.js';
import { describeError } from '../api';
import styles from '../admin.module.css';
import { ConfirmDialog } from '../confirm-dialog';
import type { useNotice } from '../notice';
import { ResetPasswordDialog } from './reset-password-dialog';
import { deleteUser, patchUser, ROLE_OPTIONS, type Role, type UserPatch, type UserView } from './users-api';

interface ActionProps {
  user: UserView;
  csrfToken: string;
  notices: ReturnType<typeof useNotice>;
}

/** The last-admin rule (409) in words an admin can act on. */
function explain(err: unknown): string {
  if (err instanceof ApiError && err.code === 'last_admin') return `Refused: ${err.message}.`;
  return describeError(err);
}

function usePatch({ user, csrfToken, notices }: ActionProps) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: UserPatch) => patchUser(user.username, patch, csrfToken),
    onError: (err) => notices.failure(explain(err)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.users() }),
  });
}

/**
 * The role as a select with an explicit Save: arrow keys on a focused select fire a change per
 * key press, which must not demote anyone by accident. A refusal keeps the old role.
 */
function RoleSelect(props: ActionProps) {
  const { user, notices } = props;
  const patch = usePatch(props);
  const [draft, setDraft] = useState<Role>(user.role);
  const changed = draft !== user.role;
  return (
    <div className={styles.roleEdit}>
      <select
        className={styles.select}
        aria-label={`Role of ${user.username}`}
        value={draft}
        disabled={patch.isPending}
        data-testid={`role-${user.username}`}
        onChange={(e) => setDraft(e.target.value as Role)}
      >
        {ROLE_OPTIONS.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
      {changed && (
        <>
          <button
            type="button"
            className={styles.small}
            disabled={patch.isPending}
            onClick={() =>
              patch.mutate(
                { role: draft },
                { onSuccess: (u) => notices.success(`${u.username} is now ${u.role}.`), onError: () => setDraft(user.role) },
              )
            }
          >
            Save
          </button>
          <button type="button" className={styles.small} onClick={() => setDraft(user.role)} disabled={patch.isPending}>
            Cancel
          </button>
        </>
      )}
    </div>
  );
}

type OpenDialog = 'none' | 'reset' | 'delete';

function RowActions(props: ActionProps) {
  const { user, csrfToken, notices } = props;
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<OpenDialog>('none');
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const patch = usePatch(props);
  const remove = useMutation({
    mutationFn: () => deleteUser(user.username, csrfToken),
    onSuccess: () => {
      setDialog('none');
      notices.success(`User ${user.username} deleted, with their sessions and API tokens.`);
    },
    onError: (err) => setDeleteError(explain(err)),
    // Their tokens went with them: refresh every admin list.
    onSettled: () => queryClient.invalidateQueries({ queryKey: adminKeys.all }),
  });
  const close = useCallback(() => {
    setDialog('none');
    setDeleteError(null);
  }, []);

  const toggleDisabled = () =>
    patch.mutate(
      { disabled: !user.disabled },
      { onSuccess: (u) => notices.success(u.disabled ? `${u.username} is disabled; their sessions ended.` : `${u.username} is enabled again.`) },
    );

  return (
    <div className={styles.rowActions}>
      <button type="button" className={styles.small} onClick={toggleDisabled} disabled={patch.isPending}>
        {user.disabled ? 'Enable' : 'Disable'}
      </button>
      <button type="button" className={styles.small} onClick={() => setDialog('reset')}>
        Reset password
      </button>
      <button type="button" className={`${styles.small} ${styles.dangerText}`} onClick={() => setDialog('delete')} data-testid={`delete-${user.username}`}>
        Delete
      </button>
      {dialog === 'reset' && (
        <ResetPasswordDialog
          username={user.username}
          csrfToken={csrfToken}
          onDone={(u) => {
            close();
            notices.success(`Password of ${u.username} reset. They must change it at next sign-in${u.mustChangePassword ? ' (must change password is set)' : ''}.`);
            void queryClient.invalidateQueries({ queryKey: adminKeys.users() });
          }}
          onCancel={close}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title={`Delete user ${user.username}?`}
          confirmLabel="Delete user"
          typeToConfirm={user.username}
          danger
          busy={remove.isPending}
          error={deleteError}
          onConfirm={() => {
            setDeleteError(null);
            remove.mutate();
          }}
          onCancel={close}
        >
          <p>Their sessions end at once and their API tokens stop working. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

export const UserActions = { Role: RoleSelect, Row: RowActions };
