/**
 * Connector pages (offset based: `{ items, total, offset, limit, nextOffset }`) as the API's one
 * pagination shape `{ items, nextCursor }`. The cursor is the next offset, opaque to clients and
 * encoded like server/api/pagination.ts's in-memory cursors.
 */
import { HttpError } from '../api/errors.js';
import type { Page as ApiPage } from '../api/pagination.js';
import type { Page as ConnectorPage } from '../../broker/control/connectors/index.js';

export function encodeCursor(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}

/** The offset a cursor stands for (0 without one); 422 for a cursor this API did not return. */
export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    const message = 'cursor is not one this API returned';
    throw new HttpError(422, 'validation', message, { in: 'query', issues: [{ path: 'cursor', message, code: 'custom' }] });
  }
  return n;
}

export function toApiPage<T>(page: ConnectorPage<T>): ApiPage<T> {
  return { items: page.items, nextCursor: page.nextOffset === null ? null : encodeCursor(page.nextOffset) };
}
