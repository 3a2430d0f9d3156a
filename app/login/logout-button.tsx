'use client';

import { useState } from 'react';
import styles from './login.module.css';

/** Ends the session on the server, then goes to the login page. */
export function LogoutButton({ csrfToken }: { csrfToken: string }) {
  const [busy, setBusy] = useState(false);
  async function logout() {
    setBusy(true);
    try {
      await fetch('/api/v1/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken } });
    } finally {
      window.location.assign('/login');
    }
  }
  return (
    <button type="button" className={styles.logout} onClick={logout} disabled={busy} data-testid="logout">
      Sign out
    </button>
  );
}
