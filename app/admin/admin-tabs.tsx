import Link from 'next/link';
import { visibleAdminPages, type AdminPage } from '../../server/console/admin/access.js';
import type { Role } from '../../server/auth/roles.js';
import styles from './admin.module.css';

const LABELS: Record<AdminPage, string> = { users: 'Users and roles', tokens: 'API tokens', audit: 'Audit log' };

/** The admin section's own tabs; a role only sees the pages it can open. */
export function AdminTabs({ role, current }: { role: Role; current: AdminPage }) {
  return (
    <nav className={styles.tabs} aria-label="Administration">
      {visibleAdminPages(role).map((page) => (
        <Link key={page} href={`/admin/${page}`} className={page === current ? styles.tabActive : styles.tab} aria-current={page === current ? 'page' : undefined}>
          {LABELS[page]}
        </Link>
      ))}
    </nav>
  );
}
