/**
 * Authorization everywhere: every `app/**\/route.ts` on disk (found by walking the tree, so a new
 * route is covered the day it is added) and every HTTP method it exports is called for real:
 *   - without credentials → 401, except the explicit public allow-list;
 *   - as a viewer, every write → 403, except the explicit self-service list (a user's own
 *     session, password and tokens) and the reviewed list of read-only POSTs;
 *   - as an operator, user management and the audit log → 403.
 * Callers pass CSRF (token + same-origin), so a 403 here is the role check, not CSRF.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, errorOf, signedInAs, useFreshProcessDb, type Caller } from '../server/api/harness.js';

// `server-only` is a build-time marker Next.js resolves from its own bundle (it makes importing a
// server module from client code a build error); plain Node has no such package.
vi.mock('server-only', () => ({}));

const ROOT = join(import.meta.dirname, '../..');
const APP = join(ROOT, 'app');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reachable without signing in, and why. */
const PUBLIC: Record<string, string> = {
  '/api/health': 'load balancers and `npm start` poll it',
  '/api/v1/auth/login': 'signing in',
  '/api/v1/openapi.json': 'tools read the API description before they have a token',
  '/metrics': 'its own guard: loopback bind or a metrics token (server/metrics/access.ts), tested there',
};

/** Writes a viewer may make: their own account only. */
const SELF_SERVICE = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/password', 'POST /api/v1/tokens', 'DELETE /api/v1/tokens/[id]']);

/**
 * POSTs that only read, and why they are POSTs: a viewer may call them. Each declares
 * `readOnly: true` in its route() spec, and the two must agree (checked below), so a new one is
 * added here on purpose, with its reason, and reviewed.
 */
const READ_ONLY_POSTS: Record<string, string> = {
  'POST /api/v1/clusters/[cluster]/topics/[topic]/messages/search':
    'message search reads like GET …/messages; its filters (nested matchers, JSON to compare with) are a JSON body',
};

/** Admin only: operators get 403 on every method. */
const ADMIN_ONLY = [/^\/api\/v1\/users(\/|$)/, /^\/api\/v1\/audit(\/|$)/];

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return routeFiles(path);
    return e.name === 'route.ts' ? [path] : [];
  });
}

function urlPath(file: string): string {
  const segments = relative(APP, file).split(sep).slice(0, -1).filter((s) => !/^\(.*\)$/.test(s));
  return '/' + segments.join('/');
}

function paramsFor(path: string): Record<string, string> {
  return Object.fromEntries([...path.matchAll(/\[(?:\.\.\.)?([^\]]+)\]/g)].map((m) => [m[1]!, 'someone-else']));
}

interface Endpoint {
  path: string;
  method: (typeof METHODS)[number];
  handler: unknown;
}

let endpoints: Endpoint[] = [];
let cleanup: () => Promise<void>;
let viewer: Caller;
let operator: Caller;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  viewer = await signedInAs('vic', 'viewer');
  operator = await signedInAs('otto', 'operator');
  for (const file of routeFiles(APP)) {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) if (typeof mod[method] === 'function') endpoints.push({ path: urlPath(file), method, handler: mod[method] });
  }
}, 300_000);
afterAll(async () => cleanup?.());

const exec = (e: Endpoint, who: Caller = {}) =>
  call(e.handler, { ...who, method: e.method, path: e.path.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, 'someone-else'), params: paramsFor(e.path), body: {} });

describe('authorization on every route handler', () => {
  it('finds the routes on disk (sanity: the walk works)', () => {
    const paths = endpoints.map((e) => `${e.method} ${e.path}`);
    expect(paths).toEqual(expect.arrayContaining(['GET /api/v1/broker', 'POST /api/v1/users', 'DELETE /api/v1/users/[username]', 'GET /api/health']));
    for (const p of Object.keys(PUBLIC)) expect(endpoints.some((e) => e.path === p), `${p} in the allow-list exists`).toBe(true);
  });

  it('unauthenticated → 401 everywhere but the public allow-list', async () => {
    const wrong: string[] = [];
    for (const e of endpoints) {
      if (e.path in PUBLIC) continue;
      const res = await exec(e);
      if (res.status !== 401 || (await errorOf(res)).code !== 'unauthenticated') wrong.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('viewer → 403 on every write except self-service', async () => {
    const wrong: string[] = [];
    for (const e of endpoints) {
      const key = `${e.method} ${e.path}`;
      if (!WRITES.has(e.method) || e.path in PUBLIC || SELF_SERVICE.has(key) || key in READ_ONLY_POSTS) continue;
      const res = await exec(e, viewer);
      if (res.status !== 403 || (await errorOf(res)).code !== 'forbidden') wrong.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('read-only POSTs: exactly the reviewed list declares readOnly; viewers pass the role check, CSRF still holds', async () => {
    const declared = endpoints.filter((e) => (e.handler as { definition?: { readOnly?: boolean } }).definition?.readOnly === true);
    expect(declared.map((e) => `${e.method} ${e.path}`).sort()).toEqual(Object.keys(READ_ONLY_POSTS).sort());
    for (const e of declared) {
      expect(e.method, 'only a POST needs the exception; a read that fits a query string is a GET').toBe('POST');
      // With the empty body every endpoint gets here: past the role and CSRF checks, refused as invalid input.
      const res = await exec(e, viewer);
      expect(res.status, `${e.method} ${e.path}`).toBe(422);
      const noCsrf = await exec(e, { cookie: viewer.cookie });
      expect(noCsrf.status).toBe(403);
      expect((await errorOf(noCsrf)).code).toBe('csrf');
    }
  });

  it('there are no server actions this test does not see (add them here when they appear)', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) return sources(path);
        return /\.(ts|tsx)$/.test(e.name) ? [path] : [];
      });
    const withActions = [...sources(APP), ...sources(join(ROOT, 'server'))].filter((f) => /^\s*['"]use server['"]/m.test(readFileSync(f, 'utf8')));
    expect(withActions.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('self-service writes never reach someone else’s account', async () => {
    const revoke = endpoints.find((e) => e.method === 'DELETE' && e.path === '/api/v1/tokens/[id]')!;
    expect((await exec(revoke, viewer)).status).toBe(404);
  });

  it('operator → 403 on user management and the audit log, every method', async () => {
    const wrong: string[] = [];
    const covered = endpoints.filter((e) => ADMIN_ONLY.some((r) => r.test(e.path)));
    expect(covered.length).toBeGreaterThanOrEqual(6);
    for (const e of covered) {
      const res = await exec(e, operator);
      if (res.status !== 403) wrong.push(`${e.method} ${e.path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
