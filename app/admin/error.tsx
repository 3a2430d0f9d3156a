'use client';

import styles from './admin.module.css';

/** An admin page whose server data could not be read (e.g. the metadata database is down). */
export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className={styles.panel} role="alert" data-testid="admin-error">
      <h2>This page could not be loaded</h2>
      <p className="muted">
        The server failed while reading its data{error.digest ? ` (reference ${error.digest}, in the server log)` : ''}. Try again; if it
        keeps failing, check the server log.
      </p>
      <button type="button" className={styles.primary} onClick={reset}>
        Try again
      </button>
    </section>
  );
}
