'use client';

import { useCallback, useState } from 'react';
import styles from './admin.module.css';
import noticeStyles from './notice.module.css';

export type NoticeKind = 'success' | 'error';

export interface NoticeState {
  kind: NoticeKind;
  text: string;
}

/** The result of the last action on a page; one at a time, replaced by the next. */
export function useNotice() {
  const [notice, setNotice] = useState<NoticeState | null>(null);
  const success = useCallback((text: string) => setNotice({ kind: 'success', text }), []);
  const failure = useCallback((text: string) => setNotice({ kind: 'error', text }), []);
  const clear = useCallback(() => setNotice(null), []);
  return { notice, success, failure, clear };
}

/**
 * A toast pinned to the bottom right. Errors are announced assertively and stay until dismissed;
 * successes politely. It stays in the DOM (empty) so screen readers register the live region.
 */
export function Notice({ notice, onDismiss }: { notice: NoticeState | null; onDismiss: () => void }) {
  return (
    <div className={noticeStyles.toastRegion} aria-live={notice?.kind === 'error' ? 'assertive' : 'polite'} role="status">
      {notice && (
        <div className={`${noticeStyles.toast} ${notice.kind === 'error' ? noticeStyles.toastError : noticeStyles.toastSuccess}`} data-testid="notice">
          <span>{notice.text}</span>
          <button type="button" className={styles.linkButton} onClick={onDismiss} aria-label="Dismiss message">
            ✕
          </button>
        </div>
      )}
    </div>
  );
}
