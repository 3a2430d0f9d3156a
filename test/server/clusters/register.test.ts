/**
 * Registration writes the row and its encrypted secrets together or not at all: with an unusable
 * SLUICE_SECRET_KEY the request fails and no cluster row is left behind.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '../../../server/db/client.js';
import * as clustersRoute from '../../../app/api/v1/clusters/route.js';
import { call, signedInAs, useFreshProcessDb, type Caller } from '../api/harness.js';

vi.mock('server-only', () => ({}));

let cleanup: () => Promise<void>;
let admin: Caller;
const savedKey = process.env.SLUICE_SECRET_KEY;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  admin = await signedInAs('ada', 'admin');
  process.env.SLUICE_SECRET_KEY = 'too short to be a key';
}, 300_000);
afterAll(async () => {
  if (savedKey === undefined) delete process.env.SLUICE_SECRET_KEY;
  else process.env.SLUICE_SECRET_KEY = savedKey;
  await cleanup?.();
});

describe('POST /api/v1/clusters', () => {
  it('leaves nothing half-written when the secrets cannot be encrypted', async () => {
    const res = await call(clustersRoute.POST, { ...admin, method: 'POST', body: { name: 'half', kind: 'rabbitmq', secrets: { password: 'guest guest' } } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await getDb().cluster.findUnique({ where: { name: 'half' } })).toBeNull();
    // Without secrets the key is not needed, and the same name is free.
    const plain = await call(clustersRoute.POST, { ...admin, method: 'POST', body: { name: 'half', kind: 'rabbitmq', config: { managementUrl: 'http://127.0.0.1:15672' } } });
    expect(plain.status).toBe(201);
    expect(await plain.json()).toMatchObject({ name: 'half', hasSecrets: false });
  });

  it('refuses names that would not survive a URL, and writes nothing', async () => {
    const res = await call(clustersRoute.POST, { ...admin, method: 'POST', body: { name: 'a/b', kind: 'kafka' } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { details: { issues: { path: string }[] } } }).error.details.issues[0]!.path).toBe('name');
    expect(await getDb().cluster.count({ where: { name: 'a/b' } })).toBe(0);
  });
});
