import Link from 'next/link';
import type { Role } from '../../server/auth/roles.js';
import styles from './forbidden.module.css';

/** What a signed-in user without the needed role sees instead of an admin page. */
export function Forbidden({ role, required }: { role: Role; required: Role }) {
  return (
    <section className={styles.forbidden} data-testid="forbidden" aria-labelledby="forbidden-title">
      <p className={styles.forbiddenCode}>403</p>
      <h1 id="forbidden-title">Access denied</h1>
      <p className="muted">
        This page needs the <strong>{required}</strong> role; you are signed in as <strong>{role}</strong>. Ask an admin if you need
        access.
      </p>
      <p>
        <Link href="/admin/tokens">Manage your API tokens</Link> · <Link href="/">Back to the overview</Link>
      </p>
    </section>
  );
}
