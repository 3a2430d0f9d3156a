/**
 * A real Sluice (`npm start` on a free port, temp data dir, first admin from
 * SLUICE_ADMIN_PASSWORD) and real Chromium, for the tests that drive the running product: the
 * console pages (console, overview, queues, admin), the curl walkthrough, the queue client and
 * data-plane tests, and the benchmarks that measure it from the outside (bench/lib/sluice-server.ts
 * adds their ports and API token on top). The production build is reused when fresh, rebuilt
 * otherwise.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildIfStale } from '../../scripts/build-if-stale.js';

export const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export interface RunningSluice {
  baseUrl: string;
  dataDir: string;
  /** Everything the server printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * A port nothing listens on, picked below the kernel's ephemeral range. A port the kernel handed
 * out (listen on 0) and that was released again can be taken by any outgoing connection before the
 * server under test binds it — with test files running in parallel, it was (EADDRINUSE at start).
 * Outgoing connections never get ports below the range, and the pick is random across thousands.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  const from = Math.max(1024, low - 12_000);
  for (let tries = 0; tries < 100; tries++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${from}-${low - 1}`);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 2048 ? low : 32_768;
  } catch {
    return 32_768; // not Linux: the IANA range starts at 49152, so this is below it too
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolveFree(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolveFree(true)));
  });
}

/** Builds if stale, starts `npm start` (scripts/start.ts) and waits for "Sluice is ready". */
export async function startSluice(adminPassword: string, extraEnv: Record<string, string> = {}, dataParent: string = tmpdir()): Promise<RunningSluice> {
  const buildLog: string[] = [];
  try {
    await buildIfStale({ output: 'pipe', log: (line) => buildLog.push(line) });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${buildLog.slice(-60).join('\n')}`);
  }
  const dataDir = await mkdtemp(join(dataParent, 'sluice-app-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    SLUICE_HTTP_HOST: '127.0.0.1',
    SLUICE_DATA_DIR: dataDir,
    SLUICE_KAFKA_PORT: '0',
    SLUICE_LOG_LEVEL: 'warn',
    SLUICE_ADMIN_PASSWORD: adminPassword,
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  const server = spawn(TSX, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }) as unknown as ChildProcessWithoutNullStreams;
  let output = '';
  server.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  server.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<void>((r) => server.on('exit', () => r()));

  const stop = async () => {
    if (server.pid && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL'); // its own group: reaches the Next.js child too
      } catch {
        // already gone
      }
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 180_000;
  for (;;) {
    const match = output.match(/\[sluice\] Sluice is ready: (http:\/\/\S+)/);
    if (match) return { baseUrl: match[1]!, dataDir, output: () => output, stop };
    if (server.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ApiSession {
  cookie: string;
  csrfToken: string;
}

/** Signs in over HTTP, as a script would. */
export async function apiSignIn(baseUrl: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${username} answered ${res.status}: ${await res.text()}`);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Makes an API token with `role` as the signed-in user (the bearer credential of scripts). */
export async function createApiToken(baseUrl: string, session: ApiSession, role: 'viewer' | 'operator' | 'admin', name = `${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrfToken, origin: baseUrl, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ name, role }),
  });
  if (res.status !== 201) throw new Error(`creating a ${role} token answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium. This test fails rather than skips.`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Signs in on /login. With `newPassword`, also completes the forced password change that an
 * account created by an admin goes through at first sign-in.
 */
export async function browserSignIn(page: Page, baseUrl: string, username: string, password: string, newPassword?: string): Promise<void> {
  await page.goto(`${baseUrl}/login`, { waitUntil: 'load' });
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  if (newPassword) {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('New password (at least 12 characters)').fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await Promise.all([page.waitForURL(`${baseUrl}/`, { timeout: 60_000 }), page.getByRole('button', { name: 'Save password' }).click()]);
  } else {
    await Promise.all([page.waitForURL(`${baseUrl}/`, { timeout: 60_000 }), page.getByRole('button', { name: 'Sign in' }).click()]);
  }
}

/** A JSON API caller with the session's cookie and CSRF token (browser tests set up data with it);
 * read lazily, since tests sign in inside beforeAll. */
export function apiCaller(baseUrl: () => string, session: () => ApiSession): (path: string, init?: { method?: string; body?: unknown }) => Promise<Response> {
  return (path, init = {}) =>
    fetch(`${baseUrl()}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: session().cookie, 'x-csrf-token': session().csrfToken, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
}

/**
 * A 1280×900 tab with a 30 s default timeout whose uncaught page errors and console errors
 * (hydration mismatches among them) are collected in `problems`, each with the page's URL.
 * 4xx answers the tests provoke on purpose show up as "Failed to load resource"; those are not bugs.
 */
export async function openConsoleTab(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const problems: string[] = [];
  page.setDefaultTimeout(30_000);
  page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && !msg.text().startsWith('Failed to load resource') && problems.push(`${page.url()}: ${msg.text()}`));
  return { page, problems };
}
