'use client';

import { useEffect, useRef, useState } from 'react';
import styles from '../admin.module.css';
import tokenStyles from './tokens.module.css';
import type { CreatedToken } from './tokens-api';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The new token's secret, in this component's state only: the server keeps a hash, so once this
 * is dismissed or the page reloads it cannot be shown again.
 */
export function NewTokenSecret({ token, onDismiss }: { token: CreatedToken; onDismiss: () => void }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);

  async function copyToken() {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopy('copied');
    } catch {
      // Clipboard needs a secure context or permission; the text stays selectable by hand.
      setCopy('failed');
    }
  }

  return (
    <section ref={ref} tabIndex={-1} aria-label="New token" data-testid="new-token" className={tokenStyles.newToken}>
      <p className={styles.warning} role="alert">
        Copy token <strong>{token.name}</strong> now: this is the only time it is shown. Store it like a password.
      </p>
      <div className={tokenStyles.secretRow}>
        <code className={tokenStyles.secret} data-testid="new-token-value">
          {token.token}
        </code>
        <button type="button" className={styles.secondary} onClick={copyToken} data-testid="copy-token">
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className={styles.secondary} onClick={onDismiss}>
          Done
        </button>
      </div>
      {copy === 'failed' && <p className={styles.hint}>The browser refused clipboard access; select the token and copy it by hand.</p>}
    </section>
  );
}
