'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../../lib/api-client.js';
import { describeError } from '../api';
import styles from '../admin.module.css';
import dialogStyles from '../dialog.module.css';
import { MIN_PASSWORD, passwordProblem, patchUser, type UserView } from './users-api';

/** An admin sets a temporary password; the user must replace it at next sign-in. */
export function ResetPasswordDialog({
  username,
  csrfToken,
  onDone,
  onCancel,
}: {
  username: string;
  csrfToken: string;
  onDone: (user: UserView) => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onCancel();
    };
    dialog?.addEventListener('cancel', cancel);
    return () => dialog?.removeEventListener('cancel', cancel);
  }, [onCancel]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    const local = passwordProblem(password);
    if (local) return setError(local);
    setBusy(true);
    setError(null);
    try {
      onDone(await patchUser(username, { password }, csrfToken));
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldMessage('password') ?? err.message) : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} className={dialogStyles.dialog} aria-labelledby={`${id}-title`} data-testid="reset-password-dialog">
      <form onSubmit={submit} noValidate className={dialogStyles.dialogBody}>
        <h2 id={`${id}-title`}>Reset the password of {username}</h2>
        <p className="muted">Their sessions end and any lock is lifted. They must choose their own password at next sign-in.</p>
        <label className={styles.field}>
          Temporary password
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            autoFocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : `${id}-hint`}
          />
          <span className={styles.hint} id={`${id}-hint`}>
            At least {MIN_PASSWORD} characters.
          </span>
          {error && (
            <span className={styles.fieldError} id={`${id}-error`} role="alert">
              {error}
            </span>
          )}
        </label>
        <div className={styles.actions}>
          <button type="button" className={styles.secondary} onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className={styles.primary} disabled={busy}>
            {busy ? 'Saving…' : 'Reset password'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
