/**
 * Browser-side calls to /api/v1 for the admin pages: JSON in and out, the CSRF header on writes,
 * and the API's one error shape turned into an ApiError that keeps the field-level issues.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }

  /** The issue messages for one body field (`username`, `password`…), joined. */
  fieldMessage(field: string): string | undefined {
    const messages = this.issues.filter((i) => i.path === field).map((i) => i.message);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { issues?: FieldIssue[] } };
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  csrfToken?: string;
}

export async function apiFetch<T>(url: string, options: ApiOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      cache: 'no-store',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => ({}))) as unknown;
  if (!res.ok) {
    const error = (body as ErrorBody).error;
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, error?.details?.issues ?? []);
  }
  return body as T;
}

/** Every item of a paginated list endpoint (`{ items, nextCursor }`), following the cursors. */
export async function fetchAllPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const page: { items: T[]; nextCursor: string | null } = await apiFetch(
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
