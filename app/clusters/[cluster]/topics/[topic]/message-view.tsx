'use client';

import type { MessageView, RenderedPayload } from '../../../../../broker/control/connectors/index.js';
import { formatBytes, formatTime } from '../../../../../lib/format.js';

export type ViewMode = 'json' | 'text' | 'hex';

function bytesOf(p: RenderedPayload): Uint8Array {
  if (p.encoding === 'base64') return Uint8Array.from(atob(p.data), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(p.data);
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

/** A payload as the chosen view: pretty JSON when it parses, else text; hex always works. */
export function renderPayload(p: RenderedPayload | null, mode: ViewMode): string {
  if (!p) return 'null';
  if (mode === 'hex') return hexDump(bytesOf(p));
  if (mode === 'json' && p.encoding === 'json') return JSON.stringify(p.json, null, 2);
  if (p.encoding === 'base64') return `(binary, base64) ${p.data}`;
  return p.data;
}

export function MessageItem({ m, mode, selected, onSelect }: { m: MessageView; mode: ViewMode; selected: boolean; onSelect: (on: boolean) => void }) {
  const id = `${m.partition}-${m.offset}`;
  return (
    <div className="msg" data-testid="message">
      <div className="msg-head">
        <input type="checkbox" aria-label={`Select message ${id}`} checked={selected} onChange={(e) => onSelect(e.target.checked)} />
        <span>
          partition <strong>{m.partition}</strong> · offset <strong data-testid="message-offset">{m.offset}</strong>
        </span>
        <span>
          {formatTime(m.timestamp)} ({m.timestampType})
        </span>
        <span>
          key <code data-testid="message-key">{m.key ? renderPayload(m.key, 'text') : 'null'}</code>
        </span>
        {m.value && <span>{formatBytes(m.value.sizeBytes)}{m.value.truncated ? ' (truncated)' : ''}</span>}
        {m.compression !== 'none' && <span className="tag">{m.compression}</span>}
      </div>
      <pre className="payload" data-testid="message-value">
        {renderPayload(m.value, mode)}
      </pre>
      {m.headers.length > 0 && (
        <div className="msg-head">
          headers:
          {m.headers.map((h, i) => (
            <code key={i}>
              {h.key}={h.value ? renderPayload(h.value, 'text') : 'null'}
            </code>
          ))}
        </div>
      )}
    </div>
  );
}
