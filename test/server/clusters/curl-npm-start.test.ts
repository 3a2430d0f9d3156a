/**
 * The docs/api.md recipe as a user runs it: `npm start` (scripts/start.ts) on a free port with a
 * temp data dir, driven with /usr/bin/curl only: sign in, create a token, then create a topic,
 * produce, browse, search, preview a reset, and delete with the typed confirmation, all with
 * `Authorization: Bearer`. Reuses a fresh production build (rebuilds first when it is stale).
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../../scripts/build-if-stale.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const ADMIN_PASSWORD = 'curl test admin password';

let dataDir = '';
let base = '';
let server: ChildProcessWithoutNullStreams | undefined;
let output = '';

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? done(address.port) : reject(new Error('no port'))));
    });
  });
}

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
  const buildLog: string[] = [];
  try {
    await buildIfStale({ output: 'pipe', log: (line) => buildLog.push(line) });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${buildLog.slice(-60).join('\n')}`);
  }
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-curl-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SLUICE_HTTP_HOST: '127.0.0.1',
    SLUICE_DATA_DIR: dataDir,
    SLUICE_KAFKA_PORT: '0',
    SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  delete env.DATABASE_URL;
  server = spawn(TSX, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }) as unknown as ChildProcessWithoutNullStreams;
  server.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  server.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const deadline = Date.now() + 180_000;
  while (!output.includes('Sluice is ready')) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 20 * 60_000);

afterAll(async () => {
  if (server?.pid && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
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
