/**
 * What the admin pages add to the browser's API client (lib/api-client.ts): whole paginated
 * lists, toast-ready error messages, and query options for server-rendered lists.
 */
import { api, ApiError } from '../../lib/api-client.js';

/** Every item of a paginated list endpoint (`{ items, nextCursor }`), following the cursors. */
export async function fetchAllPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await api(
      `${url}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A message for a failed action, fit for a toast. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Your session has ended. Sign in again.';
    if (err.code === 'csrf') return 'The page is out of date (security token). Reload the page and try again.';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Query options for lists the server component has just rendered: no refetch on mount. Besides
 * saving a request, a mount-time fetch would make the first client render (isFetching) differ
 * from the server's HTML, a hydration mismatch.
 */
export const FRESH_FROM_SERVER = { refetchOnMount: false } as const;
