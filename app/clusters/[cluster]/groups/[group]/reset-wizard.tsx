'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { GroupDetail, ResetOffsetsResult } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';

type Kind = 'earliest' | 'latest' | 'timestamp' | 'offset' | 'shiftBy';

/**
 * Choose → preview → apply. The preview is the server's dry run for every partition; only the
 * previewed request is applied, and only while the group has no members.
 */
export function ResetWizard({ cluster, group, onDone }: { cluster: string; group: GroupDetail; onDone: () => void }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const topics = [...new Set([...group.topics, ...group.offsets.map((o) => o.topic)])];
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [kind, setKind] = useState<Kind>('earliest');
  const [arg, setArg] = useState('');
  const [plan, setPlan] = useState<ResetOffsetsResult | null>(null);
  const [error, setError] = useState('');

  function target(): Record<string, unknown> | string {
    if (kind === 'earliest' || kind === 'latest') return { kind };
    if (kind === 'timestamp') {
      const t = new Date(arg).getTime();
      return Number.isFinite(t) && t >= 0 ? { kind, timestamp: t } : 'choose a date and time';
    }
    const n = Number(arg);
    if (!Number.isInteger(n) || arg.trim() === '') return kind === 'offset' ? 'a whole offset ≥ 0' : 'a whole number, negative to go back';
    if (kind === 'offset' && n < 0) return 'a whole offset ≥ 0';
    return kind === 'offset' ? { kind, offset: n } : { kind, delta: n };
  }
  const run = useMutation({
    mutationFn: (apply: boolean) => {
      const to = target();
      if (typeof to === 'string') throw new Error(to);
      if (!topic) throw new Error('choose a topic');
      return api<ResetOffsetsResult>(clusterPath(cluster, 'groups', group.groupId, 'reset-offsets'), { method: 'POST', csrfToken, body: { topic, to, apply } });
    },
    onMutate: () => setError(''),
    onSuccess: (r) => {
      if (r.dryRun) return setPlan(r);
      toast('ok', `Offsets of ${group.groupId} reset on ${r.partitions.length} partitions`);
      void qc.invalidateQueries({ queryKey: clusterKeys.group(cluster, group.groupId) });
      onDone();
    },
    onError: (e) => setError((e as Error).message),
  });
  const change = (f: () => void) => () => (f(), setPlan(null));

  return (
    <div>
      <p className="muted">
        Committed offsets can only move while the group is inactive (no members): stop its consumers first, or they would overwrite the reset with their next commit.
      </p>
      {group.members > 0 && <p className="warn">This group has {group.members} active members now; you can preview, but applying is refused.</p>}
      <div className="row">
        <div className="field">
          <label htmlFor="rw-topic">Topic</label>
          <select id="rw-topic" className="input" value={topic} onChange={(e) => change(() => setTopic(e.target.value))()}>
            {topics.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="rw-kind">Reset to</label>
          <select id="rw-kind" className="input" value={kind} onChange={(e) => change(() => (setKind(e.target.value as Kind), setArg('')))()} data-testid="reset-kind">
            <option value="earliest">Earliest</option>
            <option value="latest">Latest</option>
            <option value="timestamp">Timestamp</option>
            <option value="offset">Offset</option>
            <option value="shiftBy">Shift by</option>
          </select>
        </div>
        {kind !== 'earliest' && kind !== 'latest' && (
          <div className="field">
            <label htmlFor="rw-arg">{kind === 'timestamp' ? 'From (local time)' : kind === 'offset' ? 'Offset' : 'Shift by (±messages)'}</label>
            <input
              id="rw-arg"
              className="input"
              type={kind === 'timestamp' ? 'datetime-local' : 'text'}
              step={kind === 'timestamp' ? 1 : undefined}
              value={arg}
              onChange={(e) => change(() => setArg(e.target.value))()}
            />
          </div>
        )}
      </div>
      {error && <p className="form-error">{error}</p>}
      {plan && (
        <div data-testid="reset-plan">
          <table className="grid">
            <thead>
              <tr>
                <th className="num">Partition</th>
                <th className="num">Now</th>
                <th className="num">After</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {plan.partitions.map((p) => (
                <tr key={`${p.topic}-${p.partition}`}>
                  <td className="num">{p.partition}</td>
                  <td className="num">{p.previousOffset ?? '—'}</td>
                  <td className="num">{p.newOffset}</td>
                  <td className="muted">{p.clamped ? 'clamped into range' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!plan.applicable && <p className="warn">Not applicable now: the group is {plan.groupState}. Stop its consumers, then preview again.</p>}
        </div>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="button" className="btn" disabled={run.isPending} onClick={() => run.mutate(false)} data-testid="reset-preview">
          Preview
        </button>
        <button type="button" className="btn primary" disabled={!plan || !plan.applicable || run.isPending} onClick={() => run.mutate(true)} data-testid="reset-apply">
          Apply reset
        </button>
      </div>
    </div>
  );
}
