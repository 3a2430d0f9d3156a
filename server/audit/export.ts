/**
 * Audit exports. CSV follows RFC 4180 quoting, and any cell a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR) is prefixed with a quote character, as OWASP advises, since
 * actors, targets and parameters are user-supplied text.
 */
import type { AuditEventView } from './query.js';

export const CSV_COLUMNS = ['at', 'actor', 'actorRole', 'action', 'target', 'clusterId', 'outcome', 'error', 'ip', 'params'] as const;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function csvRow(event: AuditEventView): string {
  return CSV_COLUMNS.map((c) => csvCell(event[c])).join(',') + '\r\n';
}

/** Streams events as CSV (header first) or as one JSON array. */
export function exportStream(events: AsyncIterable<AuditEventView>, format: 'csv' | 'json'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(format === 'csv' ? csvHeader() : '['));
      }
      const next = await iterator.next();
      if (next.done) {
        if (format === 'json') controller.enqueue(encoder.encode(first ? ']\n' : '\n]\n'));
        controller.close();
        return;
      }
      const chunk = format === 'csv' ? csvRow(next.value) : `${first ? '\n' : ',\n'}${JSON.stringify(next.value)}`;
      first = false;
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
