import styles from './admin.module.css';

/** Shown while an admin page's server data loads (users, tokens or the first audit page). */
export default function AdminLoading() {
  return (
    <p className={styles.loading} role="status" aria-live="polite">
      Loading…
    </p>
  );
}
