/** The audit log endpoints as the audit page calls them, and its filters as URL parameters. */
import type { AuditEventView } from '../../../server/audit/query.js';
import type { AuditFilterKey } from '../../../lib/admin-query-keys';
import { api } from '../../../lib/api-client.js';

export type { AuditEventView };
export type AuditFilterValues = AuditFilterKey;

export const AUDIT_OUTCOME_OPTIONS = ['success', 'failure', 'denied'] as const;
export const FILTER_FIELDS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;
const PAGE_SIZE = 50;

export interface AuditPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** The filters as query parameters, blanks left out (the API refuses empty strings). */
export function filterParams(filter: AuditFilterValues): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) {
    const value = filter[field];
    if (value) params.set(field, value);
  }
  return params;
}

export function fetchAuditPage(filter: AuditFilterValues, cursor: string | undefined): Promise<AuditPage> {
  const params = filterParams(filter);
  params.set('limit', String(PAGE_SIZE));
  if (cursor) params.set('cursor', cursor);
  return api(`/api/v1/audit?${params}`);
}

export function exportUrl(filter: AuditFilterValues, format: 'csv' | 'json'): string {
  const params = filterParams(filter);
  params.set('format', format);
  return `/api/v1/audit/export?${params}`;
}

/**
 * Time filters are typed as UTC in `datetime-local` inputs (the table shows UTC too), so server
 * and browser render the same value whatever their time zones.
 */
export function utcInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isoToUtcInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}
