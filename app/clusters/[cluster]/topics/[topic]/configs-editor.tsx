'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ConfigEntry } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';

interface Change {
  name: string;
  before: string | null;
  after: string | null;
  isDefault: boolean;
}
interface AlterResult {
  validateOnly: boolean;
  changes: Change[];
  configs: ConfigEntry[];
}

/**
 * Edit, preview, apply: edits collect into set/reset; "Preview" asks the server (validateOnly)
 * what would change, and only that previewed request can be applied.
 */
export function ConfigsEditor({ cluster, topic, initial, canWrite }: { cluster: string; topic: string; initial: ConfigEntry[]; canWrite: boolean }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const key = clusterKeys.topicConfigs(cluster, topic);
  const { data: configs = initial } = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<{ items: ConfigEntry[] }>(clusterPath(cluster, 'topics', topic, 'configs'), { signal }).then((r) => r.items),
    initialData: initial,
  });
  const [editing, setEditing] = useState(false);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [resets, setResets] = useState<Set<string>>(new Set());
  const [preview, setPreview] = useState<Change[] | null>(null);
  const [error, setError] = useState('');

  const body = (validateOnly: boolean) => {
    const set: Record<string, string> = {};
    for (const c of configs) if (edits[c.name] !== undefined && edits[c.name] !== (c.value ?? '') && !resets.has(c.name)) set[c.name] = edits[c.name]!;
    return { set, reset: [...resets], validateOnly };
  };
  const alter = useMutation({
    mutationFn: (validateOnly: boolean) => api<AlterResult>(clusterPath(cluster, 'topics', topic, 'configs'), { method: 'PATCH', csrfToken, body: body(validateOnly) }),
    onSuccess: (r) => {
      setError('');
      if (r.validateOnly) return setPreview(r.changes);
      toast('ok', `${r.changes.length} config${r.changes.length === 1 ? '' : 's'} changed on ${topic}`);
      qc.setQueryData(key, r.configs);
      setEditing(false);
      setEdits({});
      setResets(new Set());
      setPreview(null);
    },
    onError: (e) => setError((e as Error).message),
  });
  const touch = () => setPreview(null);

  return (
    <div className="panel">
      <div className="toolbar" style={{ marginTop: 0 }}>
        <h2 style={{ margin: 0 }}>Configs</h2>
        <span className="spacer" />
        {canWrite && !editing && (
          <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="edit-configs">
            Edit
          </button>
        )}
        {editing && (
          <>
            <button type="button" className="btn" onClick={() => (setEditing(false), setEdits({}), setResets(new Set()), setPreview(null), setError(''))}>
              Cancel
            </button>
            <button type="button" className="btn primary" disabled={alter.isPending} onClick={() => alter.mutate(true)} data-testid="preview-configs">
              Preview changes
            </button>
          </>
        )}
      </div>
      {error && <p className="bad">{error}</p>}
      {preview && (
        <div className="panel" data-testid="config-diff">
          <h2>Preview</h2>
          {preview.length === 0 ? (
            <p className="muted">Nothing would change.</p>
          ) : (
            <table className="grid">
              <tbody>
                {preview.map((c) => (
                  <tr key={c.name}>
                    <td className="mono">{c.name}</td>
                    <td>
                      <span className="diff-old">{c.before ?? '(unset)'}</span> → <span className="diff-new">{c.after ?? '(unset)'}</span>
                      {c.isDefault && <span className="tag"> default</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn primary" disabled={preview.length === 0 || alter.isPending} onClick={() => alter.mutate(false)} data-testid="apply-configs">
              Apply
            </button>
          </div>
        </div>
      )}
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Value</th>
            <th>Source</th>
            {editing && <th>Reset</th>}
          </tr>
        </thead>
        <tbody>
          {configs.map((c) => (
            <tr key={c.name}>
              <td className="mono">{c.name}</td>
              <td>
                {editing && !c.readOnly ? (
                  <input
                    className="input"
                    aria-label={c.name}
                    value={edits[c.name] ?? c.value ?? ''}
                    disabled={resets.has(c.name)}
                    onChange={(e) => (touch(), setEdits({ ...edits, [c.name]: e.target.value }))}
                  />
                ) : (
                  <span className="mono">{c.sensitive ? '••••' : (c.value ?? '—')}</span>
                )}
              </td>
              <td className="muted">{c.readOnly ? 'read-only' : c.isDefault ? 'default' : 'override'}</td>
              {editing && (
                <td>
                  {!c.isDefault && !c.readOnly && (
                    <input
                      type="checkbox"
                      aria-label={`Reset ${c.name} to default`}
                      checked={resets.has(c.name)}
                      onChange={(e) => {
                        touch();
                        const next = new Set(resets);
                        if (e.target.checked) next.add(c.name);
                        else next.delete(c.name);
                        setResets(next);
                      }}
                    />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
