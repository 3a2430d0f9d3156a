'use client';

import { useState, type FormEvent } from 'react';
import styles from './login.module.css';

interface ApiError {
  error?: { code?: string; message?: string };
}

function describe(status: number, body: ApiError, retryAfter: string | null): string {
  const code = body.error?.code;
  const minutes = retryAfter ? Math.max(1, Math.ceil(Number(retryAfter) / 60)) : null;
  if (code === 'account_locked') return `This account is locked after too many failed attempts. Try again in ${minutes ?? 'a few'} minute(s).`;
  if (code === 'rate_limited') return `Too many failed sign-in attempts. Try again in ${minutes ?? 'a few'} minute(s).`;
  if (status === 401) return 'Unknown user name or wrong password.';
  return body.error?.message ?? `Sign-in failed (HTTP ${status}).`;
}

async function post(url: string, body: unknown, csrfToken?: string | null): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    body: JSON.stringify(body),
  });
}

/** Sign-in, then (when the account requires it) the password change. */
export function LoginForm({ next, mustChange, csrfToken }: { next: string; mustChange: boolean; csrfToken: string | null }) {
  const [step, setStep] = useState<'login' | 'change'>(mustChange ? 'change' : 'login');
  const [csrf, setCsrf] = useState(csrfToken);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [current, setCurrent] = useState('');

  async function onLogin(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const password = String(form.get('password') ?? '');
      const res = await post('/api/v1/auth/login', { username: String(form.get('username') ?? ''), password });
      const body = (await res.json().catch(() => ({}))) as ApiError & { csrfToken?: string; user?: { mustChangePassword?: boolean } };
      if (!res.ok) return setError(describe(res.status, body, res.headers.get('retry-after')));
      if (body.user?.mustChangePassword) {
        setCsrf(body.csrfToken ?? null);
        setCurrent(password);
        return setStep('change');
      }
      window.location.assign(next);
    } finally {
      setBusy(false);
    }
  }

  async function onChange(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const newPassword = String(form.get('newPassword') ?? '');
    if (newPassword !== String(form.get('confirm') ?? '')) return setError('The two new passwords differ.');
    setBusy(true);
    setError(null);
    try {
      const res = await post('/api/v1/auth/password', { currentPassword: current || String(form.get('currentPassword') ?? ''), newPassword }, csrf);
      const body = (await res.json().catch(() => ({}))) as ApiError;
      if (!res.ok) return setError(body.error?.message ?? `Password change failed (HTTP ${res.status}).`);
      window.location.assign(next);
    } finally {
      setBusy(false);
    }
  }

  const alert = error ? (
    <p className={styles.error} role="alert" data-testid="login-error">
      {error}
    </p>
  ) : null;

  if (step === 'change') {
    return (
      <form className={styles.form} onSubmit={onChange} aria-label="Change password">
        <p className="muted">This account must choose a new password before using the console.</p>
        {alert}
        {!current && (
          <label className={styles.field}>
            Current password
            <input name="currentPassword" type="password" autoComplete="current-password" required />
          </label>
        )}
        <label className={styles.field}>
          New password (at least 12 characters)
          <input name="newPassword" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        <label className={styles.field}>
          Repeat the new password
          <input name="confirm" type="password" autoComplete="new-password" minLength={12} required />
        </label>
        <button className={styles.button} type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save password'}
        </button>
      </form>
    );
  }

  return (
    <form className={styles.form} onSubmit={onLogin} aria-label="Sign in">
      {alert}
      <label className={styles.field}>
        User name
        <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus />
      </label>
      <label className={styles.field}>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button className={styles.button} type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
