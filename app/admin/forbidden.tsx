import Link from 'next/link';
import { currentSession } from '../../server/auth/page-session.js';
import styles from './forbidden.module.css';

/**
 * The 403 page (Next's `forbidden.tsx` convention): rendered with status 403 when an admin page's
 * layout calls `forbidden()` for a signed-in user below the admin role. Every page under /admin that
 * refuses anyone needs the admin role (tokens is open to all), hence the fixed wording.
 */
export default async function AdminForbidden() {
  const session = await currentSession();
  return (
    <section className={styles.forbidden} data-testid="forbidden" aria-labelledby="forbidden-title">
      <p className={styles.forbiddenCode}>403</p>
      <h1 id="forbidden-title">Access denied</h1>
      <p className="muted">
        This page needs the <strong>admin</strong> role{session ? <>; you are signed in as <strong>{session.role}</strong></> : null}. Ask an
        admin if you need access.
      </p>
      <p>
        <Link href="/admin/tokens">Manage your API tokens</Link> · <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
