/** `?limit=&cursor=` → `{ items, nextCursor }`, the one pagination contract of the API. */
import { z } from 'zod';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(1000).optional(),
});
export type PageRequest = z.infer<typeof paginationQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A response schema for a page of `item`, for the OpenAPI document. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/**
 * Pages an in-memory list (already in a stable order) with an opaque offset cursor; for lists
 * that live in the database, paginate in the query instead (see server/audit/query.ts).
 */
export function paginateArray<T>(all: readonly T[], page: PageRequest): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    const n = Number(Buffer.from(page.cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw new z.ZodError([{ code: 'custom', path: ['cursor'], message: 'cursor is not one this API returned', input: page.cursor }]);
    start = n;
  }
  const end = start + page.limit;
  return { items: all.slice(start, end), nextCursor: end < all.length ? Buffer.from(String(end), 'utf8').toString('base64url') : null };
}
