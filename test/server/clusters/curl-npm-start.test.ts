/**
 * The docs/api.md recipe as a user runs it: `npm start` (scripts/start.ts) on a free port with a
 * temp data dir, driven with /usr/bin/curl only: sign in, create a token, then create a topic,
 * produce, browse, search, preview a reset, and delete with the typed confirmation, all with
 * `Authorization: Bearer`. Reuses a fresh production build (rebuilds first when it is stale).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSluice, type RunningSluice } from '../../app/real-sluice.js';

const ADMIN_PASSWORD = 'curl test admin password';

let dataDir = '';
let base = '';
let sluice: RunningSluice | undefined;

/** Runs curl; returns the HTTP status and the body (JSON when it parses). */
function curl(args: string[]): Promise<{ status: number; body: any }> {
  return new Promise((done, reject) => {
    execFile('/usr/bin/curl', ['-sS', '-w', '\n%{http_code}', ...args], { timeout: 60_000 }, (err, stdout) => {
      if (err) return reject(err);
      const cut = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, cut);
      let body: unknown = text;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      done({ status: Number(stdout.slice(cut + 1)), body });
    });
  });
}

beforeAll(async () => {
  sluice = await startSluice(ADMIN_PASSWORD);
  base = sluice.baseUrl;
  dataDir = sluice.dataDir;
}, 20 * 60_000);

afterAll(async () => {
  await sluice?.stop();
});

describe('the cluster API with curl against npm start', () => {
  it('follows docs/api.md: token, topic, produce, browse, search, reset preview, delete', async () => {
    const jar = join(dataDir, 'cookies.txt');
    const json = ['-H', 'content-type: application/json'];
    const login = await curl(['-c', jar, ...json, '-d', JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }), `${base}/api/v1/auth/login`]);
    expect(login.status).toBe(200);
    const made = await curl(['-b', jar, '-H', `x-csrf-token: ${login.body.csrfToken}`, ...json, '-d', '{"name":"ci","role":"operator"}', `${base}/api/v1/tokens`]);
    expect(made.status).toBe(201);
    const auth = ['-H', `Authorization: Bearer ${made.body.token}`];
    const c = `${base}/api/v1/clusters/built-in`;

    const clusters = await curl([...auth, `${base}/api/v1/clusters`]);
    expect(clusters.body.items[0]).toMatchObject({ name: 'built-in', kind: 'builtin', hasSecrets: false, health: { status: 'up' } });
    expect((await curl([...auth, ...json, '-d', '{"name":"orders","partitions":3}', `${c}/topics`])).status).toBe(201);
    const topics = await curl([...auth, `${c}/topics?search=ord&limit=20`]);
    expect(topics.body).toEqual({ items: [expect.objectContaining({ name: 'orders', partitions: 3 })], nextCursor: null });

    const produced = await curl([...auth, ...json, '-d', JSON.stringify({ key: 'order-42', value: '{"total":12.5}', headers: [{ key: 'source', value: 'curl' }] }), `${c}/topics/orders/messages`]);
    expect(produced.status).toBe(201);
    const browsed = await curl([...auth, `${c}/topics/orders/messages?limit=20`]);
    expect(browsed.body.messages).toEqual([expect.objectContaining({ offset: 0, key: expect.objectContaining({ data: 'order-42' }), value: expect.objectContaining({ json: { total: 12.5 } }) })]);
    const search = { filters: [{ field: 'value', match: { kind: 'jsonPath', path: '$.total', equals: 12.5 } }], budget: { maxMessages: 100000 } };
    const found = await curl([...auth, ...json, '-d', JSON.stringify(search), `${c}/topics/orders/messages/search`]);
    expect(found.body).toMatchObject({ matches: [expect.objectContaining({ offset: 0 })], stoppedBy: 'end' });

    const reset = await curl([...auth, ...json, '-d', '{"topic":"orders","to":{"kind":"earliest"}}', `${c}/groups/billing/reset-offsets`]);
    expect(reset.status).toBe(404); // no such group yet: nothing to preview
    expect(reset.body.error.message).toContain('billing');

    const spaced = await curl([...auth, `${c}/topics/no%20such`]);
    expect(spaced.body.error.message).toBe('topic "no such" does not exist in cluster "built-in"');
    expect((await curl([...auth, '-X', 'DELETE', `${c}/topics/orders?confirm=order`])).status).toBe(409);
    expect((await curl([...auth, '-X', 'DELETE', `${c}/topics/orders?confirm=orders`])).status).toBe(204);
    expect((await curl([...auth, `${c}/topics/orders`])).status).toBe(404);
  }, 120_000);
});
