/**
 * Calls route handlers for real, in process, the way Next.js does: a Request plus
 * `{ params: Promise<…> }`, against the process-wide database pointed at a fresh SQLite file.
 */
import { getAuthConfig } from '../../../server/auth/config.js';
import { login } from '../../../server/auth/login.js';
import { createUser } from '../../../server/auth/users.js';
import type { Role } from '../../../server/auth/roles.js';
import { closeDb, getDb } from '../../../server/db/client.js';
import { freshSqliteEnv } from '../auth/test-db.js';
import { rmSync } from 'node:fs';

export const ORIGIN = 'http://console.test';

/** Points getDb() at a fresh migrated SQLite database; call before anything uses it. */
export async function useFreshProcessDb(): Promise<() => Promise<void>> {
  const { env, dir } = await freshSqliteEnv();
  process.env.SLUICE_DATA_DIR = env.SLUICE_DATA_DIR;
  process.env.DATABASE_URL = '';
  await closeDb();
  return async () => {
    await closeDb();
    rmSync(dir, { recursive: true, force: true });
  };
}

export interface Caller {
  cookie?: string;
  csrf?: string;
  bearer?: string;
}

export async function signedInAs(username: string, role: Role, password = `${username} password long`): Promise<Caller> {
  const db = getDb();
  if (!(await db.user.findUnique({ where: { username } }))) await createUser(db, { username, password, role });
  const { session } = await login(db, getAuthConfig(), { username, password, ip: '127.0.0.1' });
  return { cookie: `sluice_session=${session.secret}`, csrf: session.csrfToken };
}

export interface CallOptions extends Caller {
  method?: string;
  path?: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

export function call(handler: unknown, o: CallOptions = {}): Promise<Response> {
  const url = new URL(o.path ?? '/api/v1/test', ORIGIN);
  for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
  const headers = new Headers({ host: url.host, 'x-sluice-client-address': '127.0.0.1', ...o.headers });
  if (o.cookie) headers.set('cookie', o.cookie);
  if (o.csrf) headers.set('x-csrf-token', o.csrf);
  if (o.bearer) headers.set('authorization', `Bearer ${o.bearer}`);
  const method = o.method ?? 'GET';
  let body: string | undefined = o.rawBody;
  if (body === undefined && o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers.set('content-type', 'application/json');
  }
  if (method !== 'GET' && method !== 'HEAD') headers.set('sec-fetch-site', headers.get('sec-fetch-site') ?? 'same-origin');
  const request = new Request(url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body });
  return (handler as Handler)(request, { params: Promise.resolve(o.params ?? {}) });
}

export async function errorOf(res: Response): Promise<{ code: string; message: string; details?: unknown }> {
  const json = (await res.json()) as { error: { code: string; message: string; details?: unknown } };
  return json.error;
}
