/**
 * The browser's one way to call the REST API: JSON in and out, the CSRF header on writes, and
 * the API's error shape `{ error: { code, message, details } }` turned into an `ApiError` whose
 * `fieldErrors` map zod issue paths to messages, so forms can show them next to the field.
 * Used by every page, the admin pages included (app/admin/api.ts adds their list helpers).
 */
export interface ApiIssue {
  path: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }

  /** The issue messages for one body field (`username`, `password`…), joined. */
  fieldMessage(field: string): string | undefined {
    const messages = this.issues.filter((i) => i.path === field).map((i) => i.message);
    return messages.length > 0 ? messages.join('; ') : undefined;
  }

  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const i of this.issues) out[i.path || '_'] ??= i.message;
    return out;
  }
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  csrfToken?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, opts: ApiOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.csrfToken) headers['x-csrf-token'] = opts.csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
      cache: 'no-store',
    });
  } catch (err) {
    // A cancelled query stays a cancellation; anything else means the server was not reached.
    if (opts.signal?.aborted) throw err;
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, 'bad_response', `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: { issues?: ApiIssue[] } } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `request failed with ${res.status}`, err?.details?.issues ?? []);
  }
  return json as T;
}

/** `/api/v1/clusters/<cluster>` with each segment encoded. */
export function clusterPath(cluster: string, ...rest: string[]): string {
  return ['/api/v1/clusters', cluster, ...rest].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}
