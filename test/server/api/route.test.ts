/**
 * The route wrapper, called for real against a fresh SQLite database: authentication, roles,
 * CSRF, zod parsing, error mapping, the one error shape and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SluiceError } from '../../../broker/errors.js';
import { createToken } from '../../../server/auth/tokens.js';
import { getDb } from '../../../server/db/client.js';
import { HttpError } from '../../../server/api/errors.js';
import { route } from '../../../server/api/route.js';
import { call, errorOf, signedInAs, useFreshProcessDb, type Caller } from './harness.js';

let cleanup: () => Promise<void>;
let operator: Caller;
let viewer: Caller;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  operator = await signedInAs('opal', 'operator');
  viewer = await signedInAs('vera', 'viewer');
}, 300_000);
afterAll(async () => cleanup?.());

const echo = route({
  summary: 'test: echo',
  role: 'operator',
  params: z.object({ topic: z.string().min(1) }),
  query: z.object({ dry: z.enum(['0', '1']).optional() }),
  body: z.object({ partitions: z.number().int().positive(), config: z.record(z.string(), z.string()).optional() }),
  audit: { action: 'topic.create', target: (ctx) => `topic/${ctx.params.topic}` },
  handler: async ({ params, body, query }) => ({ topic: params.topic, partitions: body.partitions, dry: query.dry ?? '0' }),
});

const failing = route({
  summary: 'test: throws what it is told',
  role: 'operator',
  body: z.object({ kind: z.string() }),
  audit: { action: 'test.fail' },
  handler: async ({ body }) => {
    if (body.kind === 'unknown') throw new SluiceError('UNKNOWN_TOPIC', 'no topic named orders', { topic: 'orders' });
    if (body.kind === 'exists') throw new SluiceError('TOPIC_EXISTS', 'topic orders exists');
    if (body.kind === 'upstream') throw new HttpError(502, 'cluster_unreachable', 'cluster "prod" cannot be reached');
    if (body.kind === 'zod') z.object({ n: z.number() }).parse({ n: 'x' });
    throw new Error('secret internal detail');
  },
});

const read = route({ summary: 'test: read', role: 'viewer', handler: async ({ principal }) => ({ you: principal.username }) });

async function lastAudit() {
  return getDb().auditEvent.findFirstOrThrow({ orderBy: [{ at: 'desc' }, { id: 'desc' }] });
}

describe('route()', () => {
  it('401 without credentials, with the one error shape', async () => {
    const res = await call(read);
    expect(res.status).toBe(401);
    expect(await errorOf(res)).toEqual({ code: 'unauthenticated', message: 'sign in first' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await call(read, { cookie: 'sluice_session=forged' })).status).toBe(401);
  });

  it('403 for a role too low, recorded as denied for writes', async () => {
    const res = await call(echo, { ...viewer, method: 'POST', params: { topic: 'orders' }, body: { partitions: 1 } });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('forbidden');
    expect(await lastAudit()).toMatchObject({ actor: 'vera', actorRole: 'viewer', action: 'topic.create', outcome: 'denied', target: '/api/v1/test' });
  });

  it('403 csrf on a cookie write without the token or from another site; bearer writes are exempt', async () => {
    const noToken = await call(echo, { cookie: operator.cookie, method: 'POST', params: { topic: 'a' }, body: { partitions: 1 } });
    expect(noToken.status).toBe(403);
    expect(await errorOf(noToken)).toMatchObject({ code: 'csrf', message: expect.stringContaining('x-csrf-token') });
    const crossSite = await call(echo, { ...operator, method: 'POST', params: { topic: 'a' }, body: { partitions: 1 }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect((await errorOf(crossSite)).code).toBe('csrf');
    expect((await lastAudit()).outcome).toBe('denied');

    const db = getDb();
    const owner = await db.user.findUniqueOrThrow({ where: { username: 'opal' } });
    const { token } = await createToken(db, owner.id, { name: 'ci', role: 'operator' });
    const res = await call(echo, { bearer: token, method: 'POST', params: { topic: 'a' }, body: { partitions: 1 }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
    expect((await lastAudit()).actor).toBe('token:ci (opal)');
    expect((await call(read, { bearer: 'slu_nope' })).status).toBe(401);
  });

  it('parses params, query and body; 200 with the handler result; audits success with secrets redacted', async () => {
    const res = await call(echo, { ...operator, method: 'POST', params: { topic: 'orders' }, query: { dry: '1' }, body: { partitions: 3, config: { 'sasl.password': 'hunter2' } } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ topic: 'orders', partitions: 3, dry: '1' });
    const audit = await lastAudit();
    expect(audit).toMatchObject({ actor: 'opal', actorRole: 'operator', action: 'topic.create', target: 'topic/orders', outcome: 'success', ip: '127.0.0.1' });
    expect(audit.params).not.toContain('hunter2');
    expect(JSON.parse(audit.params)).toMatchObject({ params: { topic: 'orders' }, query: { dry: '1' }, body: { partitions: 3, config: { 'sasl.password': '[redacted]' } } });
  });

  it('400 for malformed JSON with the parse error; 422 with zod issues and their paths', async () => {
    const bad = await call(echo, { ...operator, method: 'POST', params: { topic: 'x' }, rawBody: '{"partitions": ' });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({ code: 'malformed_json', message: expect.stringContaining('not valid JSON') });
    const invalid = await call(echo, { ...operator, method: 'POST', params: { topic: 'x' }, body: { partitions: -1, config: { a: 1 } } });
    expect(invalid.status).toBe(422);
    const err = await errorOf(invalid);
    expect(err.code).toBe('validation');
    expect((err.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['config.a', 'partitions']);
    expect(await lastAudit()).toMatchObject({ outcome: 'failure', action: 'topic.create' });
    const badQuery = await call(echo, { ...operator, method: 'POST', params: { topic: 'x' }, query: { dry: 'yes' }, body: { partitions: 1 } });
    expect(badQuery.status).toBe(422);
    expect((await errorOf(badQuery)).details).toMatchObject({ in: 'query' });
  });

  it('maps typed errors: 404, 409, 502, 422; anything else is a 500 that leaks nothing', async () => {
    const cases: [string, number, string][] = [
      ['unknown', 404, 'unknown_topic'],
      ['exists', 409, 'topic_exists'],
      ['upstream', 502, 'cluster_unreachable'],
      ['zod', 422, 'validation'],
      ['other', 500, 'internal'],
    ];
    for (const [kind, status, code] of cases) {
      const res = await call(failing, { ...operator, method: 'POST', body: { kind } });
      expect(res.status, kind).toBe(status);
      const err = await errorOf(res);
      expect(err.code, kind).toBe(code);
      expect(err.message).not.toContain('secret internal detail');
      expect(await lastAudit()).toMatchObject({ action: 'test.fail', outcome: 'failure' });
    }
  });

  it('does not audit reads', async () => {
    const before = await getDb().auditEvent.count();
    expect((await call(read, viewer)).status).toBe(200);
    expect(await getDb().auditEvent.count()).toBe(before);
  });

  it('keeps the definition on the handler for the OpenAPI document', () => {
    expect(echo.definition).toMatchObject({ summary: 'test: echo', role: 'operator', auditAction: 'topic.create' });
    expect(echo.definition.body).toBeDefined();
  });
});

describe('route() on a public write', () => {
  const open = route({
    summary: 'test: public write',
    role: 'public',
    body: z.object({ name: z.string() }),
    audit: { action: 'test.public', actor: (ctx) => ctx.body.name },
    handler: async ({ body }) => ({ hello: body.name }),
  });

  it('needs no session or CSRF token, but refuses cross-site requests', async () => {
    expect((await call(open, { method: 'POST', body: { name: 'x' } })).status).toBe(200);
    // A session cookie without its CSRF token does not get in the way of a public write.
    expect((await call(open, { cookie: viewer.cookie, method: 'POST', body: { name: 'x' } })).status).toBe(200);
    const cross = await call(open, { method: 'POST', body: { name: 'x' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(cross.status).toBe(403);
    expect((await errorOf(cross)).code).toBe('csrf');
  });
});
