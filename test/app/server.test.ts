/**
 * The web console as a user runs it: `npm start` (scripts/start.ts) on a free port with a temp
 * data dir, checked over HTTP and in real headless Chromium, then stopped with SIGTERM.
 *
 * The production build is reused when it is newer than every source file (the same check
 * `npm start` makes); otherwise it is rebuilt here first, which takes minutes on a small machine.
 * Chromium is required: without /usr/bin/chromium the browser test fails, it is not skipped.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerStatus } from '../../broker/runtime.js';
import { CLEAN_SHUTDOWN_FILE } from '../../broker/storage/file-log-store.js';
import { buildIfStale } from '../../scripts/build-if-stale.js';
import { freePort } from './real-sluice.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const SCREENSHOT_DIR = join(ROOT, 'test-results');

let dataDir: string;
let baseUrl: string;
let server: ChildProcessWithoutNullStreams;
let serverExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let output = '';
let kafkaPort = 0;
/** The Cookie header of the admin session signed in over HTTP in beforeAll. */
let cookie = '';
let csrfToken = '';
const ADMIN_PASSWORD = 'app test admin password';

async function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output.match(pattern);
    if (match) return match;
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode} before ${pattern}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const buildLog: string[] = [];
  try {
    await buildIfStale({ output: 'pipe', log: (line) => buildLog.push(line) });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${buildLog.slice(-60).join('\n')}`);
  }

  dataDir = await mkdtemp(join(tmpdir(), 'sluice-app-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SLUICE_HTTP_HOST: '127.0.0.1',
    SLUICE_DATA_DIR: dataDir,
    SLUICE_KAFKA_PORT: '0',
    SLUICE_LOG_LEVEL: 'info',
    SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  };
  delete env.DATABASE_URL; // the default: SQLite in the data dir
  server = spawn(TSX, ['scripts/start.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so cleanup can reach the Next.js child even if a test fails.
    detached: true,
  }) as unknown as ChildProcessWithoutNullStreams;
  server.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  server.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  serverExit = new Promise((r) => server.on('exit', (code, signal) => r({ code, signal })));
  await waitForOutput(/\[sluice\] Sluice is ready: (http:\/\/\S+)/, 180_000);

  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  csrfToken = ((await login.json()) as { csrfToken: string }).csrfToken;
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

describe('npm start: the web console', () => {
  it('prints the URL it serves on', () => {
    expect(output).toContain(`[sluice] Sluice is ready: ${baseUrl}`);
  });

  it('GET /api/health answers 200 with the broker state', async () => {
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const body = (await res.json()) as { status: string; broker: string; uptimeMs: number };
    expect(body).toMatchObject({ status: 'ok', broker: 'running' });
    expect(body.uptimeMs).toBeGreaterThan(0);
  });

  it('created the first admin from SLUICE_ADMIN_PASSWORD without printing a password', () => {
    expect(output).not.toContain('shown once');
    expect(output).not.toContain(ADMIN_PASSWORD);
  });

  it('the API refuses requests without a session or token, in the one error shape', async () => {
    const res = await fetch(`${baseUrl}/api/v1/broker`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    const openapi = await fetch(`${baseUrl}/api/v1/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/api/v1/broker');
  });

  it('an API token works from curl-like clients as a bearer, and is only shown once', async () => {
    const created = await fetch(`${baseUrl}/api/v1/tokens`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'app-test', role: 'viewer' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const res = await fetch(`${baseUrl}/api/v1/broker`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const list = await (await fetch(`${baseUrl}/api/v1/tokens`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(list).not.toContain(token);
  });

  it('GET / without a session redirects to the login page', async () => {
    const res = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect([302, 303, 307, 308]).toContain(res.status);
    expect(new URL(res.headers.get('location')!, baseUrl).pathname).toBe('/login');
  });

  it('GET /api/v1/broker answers the broker status, uncached', async () => {
    const res = await fetch(`${baseUrl}/api/v1/broker`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const status = (await res.json()) as BrokerStatus;
    expect(status).toMatchObject({
      state: 'running',
      dataDir,
      topics: 0,
      partitions: 0,
      flushPolicy: 'sync',
      flushIntervalMs: 1000,
      kafkaListener: { host: '127.0.0.1', port: expect.any(Number), advertisedHost: '127.0.0.1', enabled: true, listening: true },
      version: expect.any(String),
    });
    expect(status.kafkaListener.port).toBeGreaterThan(0);
    kafkaPort = status.kafkaListener.port;
    expect(status.pid).not.toBe(process.pid);
    expect(status.startedAt).toBeLessThanOrEqual(Date.now());
  });

  it('migrated the metadata database into the data dir', () => {
    expect(existsSync(join(dataDir, 'sluice.db'))).toBe(true);
  });

  it('GET / renders the status on the server (first paint has the data)', async () => {
    const res = await fetch(`${baseUrl}/`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Sluice');
    expect(html).toContain(dataDir);
    expect(html).toContain('Running');
    expect(html).toContain(`Clients are told to connect to 127.0.0.1:${kafkaPort}`);
  });

  it('in Chromium: shows the status cards and refreshes them live', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: this test needs Debian's Chromium (apt-get install -y chromium). It is not skipped, it fails.`,
      );
    }
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      const problems: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
      });

      // Signed out: the console sends the browser to /login; signing in there comes back.
      await page.goto(baseUrl, { waitUntil: 'load' });
      expect(new URL(page.url()).pathname).toBe('/login');
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'login.png') });
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await page.getByTestId('login-error').innerText()).toContain('Unknown user name or wrong password');
      problems.splice(0); // the 401 of that deliberate failure
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await Promise.all([page.waitForURL(`${baseUrl}/`, { timeout: 30_000 }), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.waitForLoadState('load');
      expect(await page.getByTestId('signed-in-as').innerText()).toContain('admin');
      await expect(page.title()).resolves.toBe('Sluice');
      expect(await page.locator('header .brand').innerText()).toContain('Sluice');
      for (const card of ['card-state', 'card-uptime', 'card-topics', 'card-disk', 'card-data-dir', 'card-flush', 'card-kafka']) {
        expect(await page.getByTestId(card).isVisible(), card).toBe(true);
      }
      expect(await page.getByTestId('broker-state').innerText()).toBe('Running');
      expect(await page.getByTestId('data-dir').innerText()).toBe(dataDir);
      expect(await page.getByTestId('card-kafka').innerText()).toContain(`Clients are told to connect to 127.0.0.1:${kafkaPort}`);
      expect(await page.getByTestId('card-flush').innerText()).toMatch(/sync[\s\S]*fdatasync/);
      expect(await page.getByTestId('card-disk').innerText()).toMatch(/\d+(\.\d+)? (B|KiB|MiB|GiB)/);

      // The client refetches /api/v1/broker every 2 s and the uptime moves on.
      const firstUptime = await page.getByTestId('uptime').innerText();
      expect(firstUptime).toMatch(/^uptime \d/);
      const refetch = await page.waitForResponse((r) => r.url() === `${baseUrl}/api/v1/broker` && r.status() === 200, {
        timeout: 10_000,
      });
      expect(((await refetch.json()) as BrokerStatus).dataDir).toBe(dataDir);
      await page.waitForFunction(
        (before) => document.querySelector('[data-testid="uptime"]')?.textContent !== before,
        firstUptime,
        { timeout: 10_000 },
      );
      expect(await page.getByTestId('uptime').innerText()).not.toBe(firstUptime);

      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'console-overview.png'), fullPage: true });
      // Hydration mismatches and failed requests show up as console errors.
      expect(problems).toEqual([]);

      // Sign out ends the session: back to /login, and the old cookie no longer opens the API.
      await Promise.all([page.waitForURL(/\/login$/, { timeout: 30_000 }), page.getByTestId('logout').click()]);
      const after = await page.evaluate(async () => (await fetch('/api/v1/broker')).status);
      expect(after).toBe(401);
    } finally {
      await browser?.close();
    }
  }, 120_000);

  it('the broker inside the web server answers a real Kafka client, and the status shows its topic', async () => {
    const kafka = new Kafka({ clientId: 'sluice-app-test', brokers: [`127.0.0.1:${kafkaPort}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    try {
      const [result] = await producer.send({ topic: 'app-test-orders', acks: -1, messages: [{ key: 'k1', value: 'hello from kafkajs' }] });
      expect(result).toMatchObject({ topicName: 'app-test-orders', partition: 0, errorCode: 0, baseOffset: '0' });
    } finally {
      await producer.disconnect();
    }
    const status = (await (await fetch(`${baseUrl}/api/v1/broker`, { headers: { cookie } })).json()) as BrokerStatus;
    expect(status).toMatchObject({ topics: 1, partitions: 1 });
    expect(status.bytesOnDisk).toBeGreaterThan(0);
  }, 60_000);

  it('SIGTERM stops the server and the broker cleanly, exit code 0', async () => {
    server.kill('SIGTERM');
    const { code, signal } = await serverExit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toContain('"msg":"broker stopped"');
    expect(output).toMatch(/"msg":"shutdown complete","exitCode":0/);
    expect(existsSync(join(dataDir, CLEAN_SHUTDOWN_FILE))).toBe(true);
    await expect(fetch(`${baseUrl}/api/health`)).rejects.toThrow();
  }, 60_000);
});

describe('npm start: bad settings stop start-up with the setting named', () => {
  async function startWith(overrides: Record<string, string>): Promise<{ code: number | null; out: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), SLUICE_HTTP_HOST: '127.0.0.1', SLUICE_KAFKA_PORT: '0', ...overrides };
    delete env.DATABASE_URL;
    const child = spawn(TSX, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    return { code, out };
  }

  it('an unusable data dir', async () => {
    const { code, out } = await startWith({ SLUICE_DATA_DIR: '/proc/sluice-no-such-dir/data' });
    expect(code).not.toBe(0);
    expect(out).toContain('SLUICE_DATA_DIR=/proc/sluice-no-such-dir/data cannot be used');
    expect(out).not.toContain('Sluice is ready');
  }, 120_000);

  it('an invalid flush policy', async () => {
    const { code, out } = await startWith({ SLUICE_DATA_DIR: join(tmpdir(), 'sluice-unused'), SLUICE_FLUSH_POLICY: 'always' });
    expect(code).not.toBe(0);
    expect(out).toContain('SLUICE_FLUSH_POLICY: must be "sync" or "interval"');
  }, 120_000);
});
