'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { ApiError, api, clusterPath } from '../../../../lib/api-client.js';
import { paths } from '../../../../lib/format.js';
import { clusterKeys } from '../../../../lib/query-keys.js';
import { useSession } from '../../../shell/session-context';
import { useToast } from '../../../shell/toast';
import { Dialog } from '../../../ui/dialog';

/** Kafka's legal topic names: the broker refuses anything else, so say it before sending. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

interface Form {
  name: string;
  partitions: string;
  retentionHours: string;
  flushPolicy: '' | 'sync' | 'interval';
  cleanupPolicy: '' | 'delete' | 'compact';
  extra: string;
}

/** The client-side checks; the server's 422 issues land in the same field map. */
function validate(f: Form): Record<string, string> {
  const e: Record<string, string> = {};
  if (!TOPIC_NAME.test(f.name)) e.name = 'letters, digits, ".", "_" and "-" only, 1–249 characters';
  else if (f.name === '.' || f.name === '..') e.name = '"." and ".." are not topic names';
  const p = Number(f.partitions);
  if (!Number.isInteger(p) || p < 1 || p > 10_000) e.partitions = 'a whole number from 1 to 10000';
  if (f.retentionHours !== '' && !(Number(f.retentionHours) === -1 || Number(f.retentionHours) > 0)) e.retentionHours = 'hours > 0, or -1 to keep forever';
  for (const line of f.extra.split('\n').filter((l) => l.trim())) {
    if (!/^[a-z0-9.\-_]+=.*$/i.test(line.trim())) e.extra = `"${line.trim()}" is not name=value`;
  }
  return e;
}

function configsOf(f: Form): Record<string, string> {
  const c: Record<string, string> = {};
  if (f.retentionHours !== '') c['retention.ms'] = Number(f.retentionHours) === -1 ? '-1' : String(Math.round(Number(f.retentionHours) * 3_600_000));
  if (f.flushPolicy) c['sluice.flush.policy'] = f.flushPolicy;
  if (f.cleanupPolicy) c['cleanup.policy'] = f.cleanupPolicy;
  for (const line of f.extra.split('\n').filter((l) => l.trim())) {
    const i = line.indexOf('=');
    c[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return c;
}

/** Server issue paths (`configs.retention.ms`, `partitions`) onto the form's fields. */
function fieldOf(path: string): string {
  if (path === 'name' || path === 'partitions') return path;
  if (path.startsWith('configs.retention.ms')) return 'retentionHours';
  if (path.startsWith('configs.sluice.flush')) return 'flushPolicy';
  if (path.startsWith('configs')) return 'extra';
  return '_';
}

/** Connector refusals carry a message, not issue paths: put the ones about a field next to it. */
function fieldOfMessage(err: unknown): string {
  const msg = (err as Error).message;
  if (err instanceof ApiError && err.status === 409) return 'name';
  if (/config/i.test(msg)) return 'extra';
  if (/replication|partition/i.test(msg)) return 'partitions';
  if (/topic name|reserved|internal/i.test(msg)) return 'name';
  return '_';
}

export function CreateTopicDialog({ cluster, open, onClose }: { cluster: string; open: boolean; onClose: () => void }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const router = useRouter();
  const qc = useQueryClient();
  const [form, setForm] = useState<Form>({ name: '', partitions: '1', retentionHours: '', flushPolicy: '', cleanupPolicy: '', extra: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      api(clusterPath(cluster, 'topics'), { method: 'POST', csrfToken, body: { name: form.name, partitions: Number(form.partitions), configs: configsOf(form) } }),
    onSuccess: () => {
      toast('ok', `Topic ${form.name} created`);
      void qc.invalidateQueries({ queryKey: clusterKeys.topics(cluster) });
      onClose();
      router.push(paths.topic(cluster, form.name));
    },
    onError: (err) => {
      if (err instanceof ApiError && err.issues.length > 0) {
        const e: Record<string, string> = {};
        for (const i of err.issues) e[fieldOf(i.path)] ??= i.message;
        setErrors(e);
      } else setErrors({ [fieldOfMessage(err)]: (err as Error).message });
    },
  });
  function submit(ev: FormEvent) {
    ev.preventDefault();
    const e = validate(form);
    setErrors(e);
    if (Object.keys(e).length === 0) create.mutate();
  }
  const set = (k: keyof Form) => (ev: { target: { value: string } }) => setForm({ ...form, [k]: ev.target.value });
  const err = (k: string) =>
    errors[k] ? (
      <span className="error" id={`ct-${k}-err`} data-testid={`error-${k}`}>
        {errors[k]}
      </span>
    ) : null;
  return (
    <Dialog open={open} onClose={onClose} title="Create topic">
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="ct-name">Name</label>
          <input id="ct-name" className="input" value={form.name} onChange={set('name')} autoFocus aria-invalid={!!errors.name} aria-describedby="ct-name-err" />
          {err('name')}
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="ct-partitions">Partitions</label>
            <input id="ct-partitions" className="input" inputMode="numeric" value={form.partitions} onChange={set('partitions')} aria-invalid={!!errors.partitions} />
            {err('partitions')}
          </div>
          <div className="field">
            <label htmlFor="ct-retention">Retention (hours)</label>
            <input id="ct-retention" className="input" placeholder="broker default" value={form.retentionHours} onChange={set('retentionHours')} />
            {err('retentionHours')}
          </div>
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="ct-flush">Flush policy</label>
            <select id="ct-flush" className="input" value={form.flushPolicy} onChange={set('flushPolicy')}>
              <option value="">broker default</option>
              <option value="sync">sync (ack after fsync)</option>
              <option value="interval">interval (faster, may lose the last interval)</option>
            </select>
            {err('flushPolicy')}
          </div>
          <div className="field">
            <label htmlFor="ct-cleanup">Cleanup policy</label>
            <select id="ct-cleanup" className="input" value={form.cleanupPolicy} onChange={set('cleanupPolicy')}>
              <option value="">broker default</option>
              <option value="delete">delete</option>
              <option value="compact">compact</option>
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor="ct-extra">Other configs</label>
          <textarea id="ct-extra" className="input" placeholder="segment.bytes=1073741824" value={form.extra} onChange={set('extra')} />
          <span className="hint">One name=value per line.</span>
          {err('extra')}
        </div>
        {errors._ && <p className="form-error">{errors._}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={create.isPending} data-testid="create-topic-submit">
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
