'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { adminKeys } from '../../../lib/admin-query-keys';
import { ApiError } from '../../../lib/api-client.js';
import { describeError } from '../api';
import styles from '../admin.module.css';
import { createUser, MIN_PASSWORD, ROLE_OPTIONS, type Role, passwordProblem, USERNAME_PATTERN, USERNAME_RULE, type NewUserInput, type UserView } from './users-api';

type Field = 'username' | 'role' | 'password';
type FieldErrors = Partial<Record<Field, string>>;

function clientErrors(input: NewUserInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!USERNAME_PATTERN.test(input.username)) errors.username = USERNAME_RULE;
  const password = passwordProblem(input.password);
  if (password) errors.password = password;
  return errors;
}

/** The server's refusal, attached to the field it is about. */
function serverErrors(err: unknown): { fields: FieldErrors; general?: string } {
  if (!(err instanceof ApiError)) return { fields: {}, general: describeError(err) };
  if (err.code === 'weak_password') return { fields: { password: err.message } };
  if (err.code === 'user_exists') return { fields: { username: err.message } };
  if (err.status === 422 && err.issues.length > 0) {
    const fields: FieldErrors = {};
    for (const field of ['username', 'role', 'password'] as const) {
      const message = err.fieldMessage(field);
      if (message) fields[field] = message;
    }
    if (Object.keys(fields).length > 0) return { fields };
  }
  return { fields: {}, general: describeError(err) };
}

export function CreateUserForm({ csrfToken, onCreated }: { csrfToken: string; onCreated: (user: UserView) => void }) {
  const queryClient = useQueryClient();
  const id = useId();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (input: NewUserInput) => createUser(input, csrfToken),
    onSuccess: async (user) => {
      onCreated(user);
      await queryClient.invalidateQueries({ queryKey: adminKeys.users() });
    },
  });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const input: NewUserInput = {
      username: String(form.get('username') ?? '').trim(),
      role: String(form.get('role') ?? 'viewer') as Role,
      password: String(form.get('password') ?? ''),
    };
    setGeneral(null);
    const local = clientErrors(input);
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    try {
      await create.mutateAsync(input);
      formEl.reset();
    } catch (err) {
      const mapped = serverErrors(err);
      setErrors(mapped.fields);
      setGeneral(mapped.general ?? null);
    }
  }

  const fieldError = (field: Field) =>
    errors[field] ? (
      <span className={styles.fieldError} id={`${id}-${field}-error`} data-testid={`create-user-${field}-error`}>
        {errors[field]}
      </span>
    ) : null;

  return (
    <section className={styles.panel} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create a user</h2>
      <form onSubmit={submit} noValidate className={styles.formGrid} aria-label="Create a user" data-testid="create-user-form">
        <label className={styles.field}>
          User name
          <input
            name="username"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            aria-invalid={errors.username ? true : undefined}
            aria-describedby={errors.username ? `${id}-username-error` : undefined}
          />
          {fieldError('username')}
        </label>
        <label className={styles.field}>
          Role
          <select name="role" defaultValue="viewer">
            {ROLE_OPTIONS.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
          {fieldError('role')}
        </label>
        <label className={`${styles.field} ${styles.span2}`}>
          Initial password
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={errors.password ? true : undefined}
            aria-describedby={`${id}-password-hint${errors.password ? ` ${id}-password-error` : ''}`}
          />
          <span className={styles.hint} id={`${id}-password-hint`}>
            At least {MIN_PASSWORD} characters. The user must change it at first sign-in.
          </span>
          {fieldError('password')}
        </label>
        <button type="submit" className={`${styles.primary} ${styles.formSubmit}`} disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create user'}
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
