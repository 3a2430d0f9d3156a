'use client';

import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import styles from './admin.module.css';
import dialogStyles from './dialog.module.css';

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When set, the confirm button stays disabled until this exact text is typed. */
  typeToConfirm?: string;
  danger?: boolean;
  busy?: boolean;
  /** Why the last attempt failed, shown inside the dialog (e.g. the last-admin refusal). */
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation on the native <dialog>: focus is trapped and Escape cancels, without a
 * library. Rendered only while open.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const { onCancel } = props;

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

  const matches = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  function submit(e: FormEvent) {
    e.preventDefault();
    if (matches && !props.busy) props.onConfirm();
  }

  return (
    <dialog ref={ref} className={dialogStyles.dialog} aria-labelledby={titleId} data-testid="confirm-dialog">
      <form onSubmit={submit} className={dialogStyles.dialogBody}>
        <h2 id={titleId}>{props.title}</h2>
        <div>{props.children}</div>
        {props.typeToConfirm !== undefined && (
          <label className={styles.field}>
            <span>
              Type <code>{props.typeToConfirm}</code> to confirm
            </span>
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" spellCheck={false} data-testid="confirm-input" />
          </label>
        )}
        {props.error && (
          <p className={styles.inlineError} role="alert" data-testid="dialog-error">
            {props.error}
          </p>
        )}
        <div className={styles.actions}>
          <button type="button" className={styles.secondary} onClick={props.onCancel} autoFocus={props.typeToConfirm === undefined}>
            Cancel
          </button>
          <button type="submit" className={props.danger ? styles.danger : styles.primary} disabled={!matches || props.busy}>
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
