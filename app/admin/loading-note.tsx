import styles from './admin.module.css';

/**
 * Shown while an admin page's server data loads (users, tokens or the first audit page). Each page
 * has its own loading.tsx rather than one for all of /admin: a boundary at /admin would wrap the
 * pages' layouts too, start the response before their role check, and so turn a 403 into a 200.
 */
export function AdminLoading() {
  return (
    <p className={styles.loading} role="status" aria-live="polite">
      Loading…
    </p>
  );
}
