'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { BrowseResult, MessageView, SearchResult, TopicDetail } from '../../../../../broker/control/connectors/index.js';
import { api, clusterPath } from '../../../../../lib/api-client.js';
import { formatBytes, formatCount } from '../../../../../lib/format.js';
import { useSession } from '../../../../shell/session-context';
import { useToast } from '../../../../shell/toast';
import { MessageItem, type ViewMode } from './message-view';
import { browseParams, searchBody, type BrowseForm, type Filter } from './message-query';

const STOPPED: Record<SearchResult['stoppedBy'], string> = {
  limit: 'the match limit',
  'budget-messages': 'the message budget',
  'budget-bytes': 'the byte budget',
  'budget-time': 'the time budget',
  end: 'the end of the topic',
};

type Outcome = { kind: 'browse'; result: BrowseResult } | { kind: 'search'; result: SearchResult; body: Record<string, unknown> };

/** Browse or search a topic. Search is a read (POST only for its JSON filters), so every role gets the filter box. */
export function MessageBrowser({ cluster, topic, searchSupported, timestampSupported }: { cluster: string; topic: TopicDetail; searchSupported: boolean; timestampSupported: boolean }) {
  const { csrfToken } = useSession();
  const toast = useToast();
  const [form, setForm] = useState<BrowseForm>({ partitions: [], from: 'newest', offset: '', timestamp: '', limit: '50' });
  const [filter, setFilter] = useState<Filter>({ field: 'none', header: '', kind: 'contains', text: '', equals: '', budget: '10000' });
  const [mode, setMode] = useState<ViewMode>('json');
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState('');

  const run = useMutation({
    mutationFn: async (cont: boolean): Promise<Outcome> => {
      const base = clusterPath(cluster, 'topics', topic.name, 'messages');
      if (filter.field === 'none') return { kind: 'browse', result: await api<BrowseResult>(`${base}?${browseParams(form)}`) };
      const prev = outcome?.kind === 'search' ? outcome : null;
      const body = cont && prev ? { ...prev.body, from: { kind: 'offsets', offsets: prev.result.nextOffsets } } : searchBody(form, filter);
      return { kind: 'search', result: await api<SearchResult>(`${base}/search`, { method: 'POST', csrfToken, body }), body };
    },
    onMutate: () => setError(''),
    onSuccess: (o, cont) => {
      const found = o.kind === 'browse' ? o.result.messages : o.result.matches;
      setMessages(cont ? [...messages, ...found] : found);
      if (!cont) setSelected(new Set());
      setOutcome(o);
    },
    onError: (e) => setError((e as Error).message),
  });

  function submit(ev: FormEvent) {
    ev.preventDefault();
    run.mutate(false);
  }
  const chosen = () => (selected.size ? messages.filter((m) => selected.has(`${m.partition}-${m.offset}`)) : messages);
  async function copy() {
    await navigator.clipboard.writeText(JSON.stringify(chosen(), null, 2));
    toast('ok', `Copied ${chosen().length} messages as JSON`);
  }
  function download() {
    const url = URL.createObjectURL(new Blob([JSON.stringify(chosen(), null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${topic.name}-messages.json`;
    a.click();
    URL.revokeObjectURL(url);
  }
  const set = <K extends keyof BrowseForm>(k: K, v: BrowseForm[K]) => setForm({ ...form, [k]: v });

  return (
    <div className="panel">
      <form onSubmit={submit} aria-label="Find messages">
        <div className="row">
          <div className="field">
            <label htmlFor="mb-from">Start at</label>
            <select id="mb-from" className="input" value={form.from} onChange={(e) => set('from', e.target.value as BrowseForm['from'])}>
              <option value="newest">Newest</option>
              <option value="oldest">Oldest</option>
              <option value="offset">Offset</option>
              {timestampSupported && <option value="timestamp">Timestamp</option>}
            </select>
          </div>
          {form.from === 'offset' && (
            <div className="field">
              <label htmlFor="mb-offset">Offset</label>
              <input id="mb-offset" className="input" inputMode="numeric" value={form.offset} onChange={(e) => set('offset', e.target.value)} />
            </div>
          )}
          {form.from === 'timestamp' && (
            <div className="field">
              <label htmlFor="mb-ts">From (local time)</label>
              <input id="mb-ts" className="input" type="datetime-local" step="1" value={form.timestamp} onChange={(e) => set('timestamp', e.target.value)} />
            </div>
          )}
          <div className="field">
            <label htmlFor="mb-limit">Limit</label>
            <input id="mb-limit" className="input" inputMode="numeric" value={form.limit} onChange={(e) => set('limit', e.target.value)} />
          </div>
          <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontSize: 13, fontWeight: 600 }}>Partitions {form.partitions.length === 0 && <span className="muted">(all)</span>}</legend>
            <div className="row" style={{ gap: 8 }}>
              {topic.partitionInfo.map((p) => (
                <label key={p.partition} style={{ fontSize: 13 }}>
                  <input
                    type="checkbox"
                    checked={form.partitions.includes(p.partition)}
                    onChange={(e) => set('partitions', e.target.checked ? [...form.partitions, p.partition].sort((a, b) => a - b) : form.partitions.filter((x) => x !== p.partition))}
                  />{' '}
                  {p.partition}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {searchSupported && (
          <div className="row">
            <div className="field">
              <label htmlFor="mb-field">Filter on</label>
              <select id="mb-field" className="input" value={filter.field} onChange={(e) => setFilter({ ...filter, field: e.target.value as Filter['field'] })} data-testid="filter-field">
                <option value="none">No filter (browse)</option>
                <option value="key">Key</option>
                <option value="value">Value</option>
                <option value="header">Header</option>
              </select>
            </div>
            {filter.field === 'header' && (
              <div className="field">
                <label htmlFor="mb-header">Header name</label>
                <input id="mb-header" className="input" placeholder="any header" value={filter.header} onChange={(e) => setFilter({ ...filter, header: e.target.value })} />
              </div>
            )}
            {filter.field !== 'none' && (
              <>
                <div className="field">
                  <label htmlFor="mb-kind">Match</label>
                  <select id="mb-kind" className="input" value={filter.kind} onChange={(e) => setFilter({ ...filter, kind: e.target.value as Filter['kind'] })}>
                    <option value="contains">contains</option>
                    <option value="regex">regex</option>
                    <option value="jsonPath">JSON path</option>
                  </select>
                </div>
                <div className="field">
                  <label htmlFor="mb-text">{filter.kind === 'jsonPath' ? 'Path ($.a.b[0])' : filter.kind === 'regex' ? 'Pattern' : 'Text'}</label>
                  <input id="mb-text" className="input" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} data-testid="filter-text" />
                </div>
                <div className="field">
                  <label htmlFor="mb-budget">Scan budget (messages)</label>
                  <input id="mb-budget" className="input" inputMode="numeric" value={filter.budget} onChange={(e) => setFilter({ ...filter, budget: e.target.value })} />
                </div>
                {filter.kind === 'jsonPath' && (
                  <div className="field">
                    <label htmlFor="mb-eq">Equals (JSON, optional)</label>
                    <input id="mb-eq" className="input" value={filter.equals} onChange={(e) => setFilter({ ...filter, equals: e.target.value })} />
                  </div>
                )}
              </>
            )}
          </div>
        )}
        {filter.field !== 'none' && form.from === 'newest' && <p className="hint muted">A search reads forward, so “Newest” searches from the oldest message.</p>}
        <div className="toolbar" style={{ marginBottom: 0 }}>
          <button type="submit" className="btn primary" disabled={run.isPending} data-testid="find-messages">
            {run.isPending ? 'Reading…' : filter.field === 'none' ? 'Browse' : 'Search'}
          </button>
          <span className="spacer" />
          <div className="theme-toggle" role="radiogroup" aria-label="Show values as">
            {(['json', 'text', 'hex'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)}>
                {m.toUpperCase()}
              </button>
            ))}
          </div>
          <button type="button" className="btn" disabled={messages.length === 0} onClick={() => void copy()}>
            Copy {selected.size ? `${selected.size} selected` : 'all'}
          </button>
          <button type="button" className="btn" disabled={messages.length === 0} onClick={download}>
            Download JSON
          </button>
        </div>
      </form>
      {error && <p className="bad">{error}</p>}
      {outcome?.kind === 'search' && (
        <p className="scan-note" data-testid="scan-note">
          Scanned {formatCount(outcome.result.scanned)} messages ({formatBytes(outcome.result.scannedBytes)}), {formatCount(messages.length)} matched, stopped by{' '}
          {STOPPED[outcome.result.stoppedBy]}.{' '}
          {outcome.result.stoppedBy !== 'end' && (
            <button type="button" className="btn small" onClick={() => run.mutate(true)} disabled={run.isPending} data-testid="search-continue">
              Continue
            </button>
          )}
        </p>
      )}
      {outcome && messages.length === 0 && <p className="muted">No messages.</p>}
      <div aria-live="polite">
        {messages.map((m) => {
          const id = `${m.partition}-${m.offset}`;
          return (
            <MessageItem
              key={id}
              m={m}
              mode={mode}
              selected={selected.has(id)}
              onSelect={(on) => {
                const next = new Set(selected);
                if (on) next.add(id);
                else next.delete(id);
                setSelected(next);
              }}
            />
          );
        })}
      </div>
    </div>
  );
}
