'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ProduceResult, TopicDetail } from '../../../../../broker/control/connectors/index.js';
import { ApiError, api, clusterPath } from '../../../../../lib/api-client.js';
import { clusterKeys } from '../../../../../lib/query-keys.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';

interface Header {
  key: string;
  value: string;
}

/** One message: key, headers, value, and either a partition or "by key" (the broker's partitioner). */
export function ProduceForm({ cluster, topic }: { cluster: string; topic: TopicDetail }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [partition, setPartition] = useState('auto');
  const [headers, setHeaders] = useState<Header[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [last, setLast] = useState<ProduceResult | null>(null);

  const produce = useMutation({
    mutationFn: () =>
      api<ProduceResult>(clusterPath(cluster, 'topics', topic.name, 'messages'), {
        method: 'POST',
        csrfToken,
        body: {
          key: key === '' ? null : key,
          value,
          headers: headers.filter((h) => h.key !== '').map((h) => ({ key: h.key, value: h.value })),
          ...(partition === 'auto' ? {} : { partition: Number(partition) }),
        },
      }),
    onSuccess: (r) => {
      setLast(r);
      setErrors({});
      toast('ok', `Produced to partition ${r.partition} at offset ${r.offset}`);
      void qc.invalidateQueries({ queryKey: clusterKeys.topic(cluster, topic.name) });
    },
    onError: (e) => setErrors(e instanceof ApiError && e.issues.length ? e.fieldErrors : { _: (e as Error).message }),
  });
  function submit(ev: FormEvent) {
    ev.preventDefault();
    const e: Record<string, string> = {};
    if (headers.some((h) => h.key === '' && h.value !== '')) e.headers = 'every header needs a name';
    setErrors(e);
    if (Object.keys(e).length === 0) produce.mutate();
  }
  return (
    <form className="panel" onSubmit={submit} aria-label="Produce a message">
      <h2>Produce a message</h2>
      <div className="row">
        <div className="field">
          <label htmlFor="pf-key">Key</label>
          <input id="pf-key" className="input" placeholder="none" value={key} onChange={(e) => setKey(e.target.value)} data-testid="produce-key" />
          {errors.key && <span className="error">{errors.key}</span>}
        </div>
        <div className="field">
          <label htmlFor="pf-partition">Partition</label>
          <select id="pf-partition" className="input" value={partition} onChange={(e) => setPartition(e.target.value)}>
            <option value="auto">By key (or spread without a key)</option>
            {topic.partitionInfo.map((p) => (
              <option key={p.partition} value={p.partition}>
                {p.partition}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <span style={{ fontSize: 13, fontWeight: 600 }}>Headers</span>
        {headers.map((h, i) => (
          <div className="row" key={i}>
            <input className="input" aria-label={`Header ${i + 1} name`} value={h.key} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} />
            <input className="input" aria-label={`Header ${i + 1} value`} value={h.value} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
            <button type="button" className="btn small" onClick={() => setHeaders(headers.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>
        ))}
        <div>
          <button type="button" className="btn small" onClick={() => setHeaders([...headers, { key: '', value: '' }])}>
            Add header
          </button>
        </div>
        {errors.headers && <span className="error">{errors.headers}</span>}
      </div>
      <div className="field">
        <label htmlFor="pf-value">Value</label>
        <textarea id="pf-value" className="input" value={value} onChange={(e) => setValue(e.target.value)} data-testid="produce-value" />
        {errors.value && <span className="error">{errors.value}</span>}
      </div>
      {errors._ && <p className="form-error">{errors._}</p>}
      <div className="toolbar">
        <button type="submit" className="btn primary" disabled={produce.isPending} data-testid="produce-submit">
          {produce.isPending ? 'Producing…' : 'Produce'}
        </button>
        {last && (
          <span className="muted" data-testid="produce-result">
            Last: partition {last.partition}, offset {last.offset}
          </span>
        )}
      </div>
    </form>
  );
}
