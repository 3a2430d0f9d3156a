'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Role } from '../../../server/auth/roles.js';
import { adminKeys } from '../../../lib/admin-query-keys';
import { ApiError } from '../../../lib/api-client.js';
import { describeError } from '../api';
import styles from '../admin.module.css';
import { ROLE_OPTIONS } from '../users/users-api';
import { NewTokenSecret } from './new-token-secret';
import { createToken, type CreatedToken, type NewTokenInput } from './tokens-api';

type Field = 'name' | 'role' | 'expiresAt';
type FieldErrors = Partial<Record<Field, string>>;

function rolesUpTo(role: Role): Role[] {
  return ROLE_OPTIONS.slice(0, ROLE_OPTIONS.indexOf(role) + 1);
}

/** `datetime-local` is the browser's local time; the API wants an instant with an offset. */
function parseExpiry(value: string): { iso?: string; error?: string } {
  if (!value) return {};
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return { error: 'not a valid date and time' };
  if (date.getTime() <= Date.now()) return { error: 'must be in the future' };
  return { iso: date.toISOString() };
}

function serverErrors(err: unknown): { fields: FieldErrors; general?: string } {
  if (!(err instanceof ApiError)) return { fields: {}, general: describeError(err) };
  if (err.status === 422) {
    const fields: FieldErrors = {};
    for (const field of ['name', 'role', 'expiresAt'] as const) {
      const message = err.fieldMessage(field);
      if (message) fields[field] = message;
    }
    if (err.code === 'invalid_request' && /expires/i.test(err.message)) fields.expiresAt = err.message;
    if (Object.keys(fields).length > 0) return { fields };
  }
  if (err.status === 403 && err.code === 'forbidden') return { fields: { role: err.message } };
  return { fields: {}, general: describeError(err) };
}

export function CreateTokenForm({ csrfToken, myRole, onCreated }: { csrfToken: string; myRole: Role; onCreated: (token: CreatedToken) => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const create = useMutation({
    mutationFn: (input: NewTokenInput) => createToken(input, csrfToken),
    onSuccess: async (token) => {
      setCreated(token);
      onCreated(token);
      await queryClient.invalidateQueries({ queryKey: adminKeys.all });
    },
  });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const name = String(form.get('name') ?? '').trim();
    const role = String(form.get('role') ?? 'viewer') as Role;
    const expiry = parseExpiry(String(form.get('expiresAt') ?? ''));
    const local: FieldErrors = {};
    if (!name) local.name = 'give the token a name';
    else if (name.length > 100) local.name = 'at most 100 characters';
    if (expiry.error) local.expiresAt = expiry.error;
    setErrors(local);
    setGeneral(null);
    if (Object.keys(local).length > 0) return;
    try {
      await create.mutateAsync({ name, role, ...(expiry.iso ? { expiresAt: expiry.iso } : {}) });
      formEl.reset();
    } catch (err) {
      const mapped = serverErrors(err);
      setErrors(mapped.fields);
      setGeneral(mapped.general ?? null);
    }
  }

  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className={styles.fieldError} id={`${id}-${field}-error`} data-testid={`create-token-${field}-error`}>
        {errors[field]}
      </span>
    ) : null;

  return (
    <section className={styles.panel} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create a token</h2>
      {created && <NewTokenSecret token={created} onDismiss={() => setCreated(null)} />}
      <form onSubmit={submit} noValidate className={styles.formGrid} aria-label="Create a token" data-testid="create-token-form">
        <label className={`${styles.field} ${styles.span2}`}>
          Name
          <input name="name" autoComplete="off" maxLength={100} required aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? `${id}-name-error` : undefined} />
          {fieldError('name')}
        </label>
        <label className={styles.field}>
          Role
          <select name="role" defaultValue="viewer" aria-describedby={`${id}-role-hint`}>
            {rolesUpTo(myRole).map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
          <span className={styles.hint} id={`${id}-role-hint`}>
            Up to your own role ({myRole}).
          </span>
          {fieldError('role')}
        </label>
        <label className={styles.field}>
          Expires (optional)
          <input name="expiresAt" type="datetime-local" aria-invalid={errors.expiresAt ? true : undefined} aria-describedby={`${id}-expiry-hint`} />
          <span className={styles.hint} id={`${id}-expiry-hint`}>
            Your local time; empty: never.
          </span>
          {fieldError('expiresAt')}
        </label>
        <button type="submit" className={`${styles.primary} ${styles.formSubmit}`} disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {general && (
        <p className={styles.inlineError} role="alert">
          {general}
        </p>
      )}
    </section>
  );
}
