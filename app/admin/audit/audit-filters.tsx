'use client';

import { useId, useState, type FormEvent } from 'react';
import styles from '../admin.module.css';
import auditStyles from './audit.module.css';
import { AUDIT_OUTCOME_OPTIONS, isoToUtcInput, utcInputToIso, type AuditFilterValues } from './audit-api';

const TEXT_LIMITS = { actor: 200, action: 200, target: 500 } as const;

/** Checks what the API would refuse, so a bad filter is named here instead of failing the table. */
function validate(values: AuditFilterValues): string | null {
  for (const [field, max] of Object.entries(TEXT_LIMITS)) {
    const value = values[field as keyof typeof TEXT_LIMITS];
    if (value && value.length > max) return `${field} is at most ${max} characters`;
  }
  if (values.from && values.to && values.from >= values.to) return '"From" must be before "To"';
  return null;
}

export function AuditFilters({ filter, onApply }: { filter: AuditFilterValues; onApply: (filter: AuditFilterValues) => void }) {
  const id = useId();
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const next: AuditFilterValues = {
      actor: text('actor'),
      action: text('action'),
      target: text('target'),
      outcome: text('outcome'),
      from: utcInputToIso(String(form.get('from') ?? '')),
      to: utcInputToIso(String(form.get('to') ?? '')),
    };
    for (const key of Object.keys(next) as (keyof AuditFilterValues)[]) if (next[key] === undefined) delete next[key];
    const problem = validate(next);
    setError(problem);
    if (!problem) onApply(next);
  }

  // The browser resets the inputs to the applied filter; applying {} then remounts them blank.
  function clear() {
    setError(null);
    onApply({});
  }

  // Keyed by the applied filter so "Clear" and URL changes reset the uncontrolled inputs.
  return (
    <form key={JSON.stringify(filter)} onSubmit={submit} onReset={clear} noValidate aria-label="Audit log filters" data-testid="audit-filters">
      <div className={auditStyles.filters}>
        <label className={styles.field}>
          Actor
          <input name="actor" defaultValue={filter.actor ?? ''} placeholder="exact, e.g. admin" autoComplete="off" />
        </label>
        <label className={styles.field}>
          Action
          <input name="action" defaultValue={filter.action ?? ''} placeholder="exact, e.g. user.create" autoComplete="off" />
        </label>
        <label className={styles.field}>
          Target
          <input name="target" defaultValue={filter.target ?? ''} placeholder="starts with, e.g. user/" autoComplete="off" />
        </label>
        <label className={styles.field}>
          Outcome
          <select name="outcome" defaultValue={filter.outcome ?? ''}>
            <option value="">any</option>
            {AUDIT_OUTCOME_OPTIONS.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.field}>
          From (UTC)
          <input name="from" type="datetime-local" defaultValue={isoToUtcInput(filter.from)} />
        </label>
        <label className={styles.field}>
          To (UTC)
          <input name="to" type="datetime-local" defaultValue={isoToUtcInput(filter.to)} />
        </label>
      </div>
      {error && (
        <p className={styles.inlineError} role="alert" id={`${id}-error`}>
          {error}
        </p>
      )}
      <div className={auditStyles.filterActions}>
        <button type="submit" className={styles.primary}>
          Apply filters
        </button>
        <button type="reset" className={styles.secondary}>
          Clear
        </button>
      </div>
    </form>
  );
}
