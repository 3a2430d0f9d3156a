/**
 * A real Sluice (`npm start`: the Next.js production server with the broker inside) on a temp
 * data dir and a free port, for benchmarks that measure it from the outside: signs in as the
 * first admin and hands out a session (cookie + CSRF token) and an API token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN_PASSWORD = 'bench admin password';

export interface SluiceServer {
  base: string;
  /** The queue data-plane port's base URL (SLUICE_QUEUE_HTTP_PORT), always started here. */
  dataPlaneBase: string;
  dataDir: string;
  kafkaPort: number;
  /** Session of the first admin: send `cookie`, and `x-csrf-token` on writes. */
  session: { cookie: string; csrfToken: string };
  /** An API token with the given role, made once per call. */
  token(role: 'viewer' | 'operator' | 'admin'): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

export async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

export async function startSluice(baseDir: string, env: Record<string, string> = {}): Promise<SluiceServer> {
  const dataDir = await mkdtemp(path.join(baseDir, 'sluice-bench-server-'));
  const [port, kafkaPort, dataPlanePort] = [await freePort(), await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const dataPlaneBase = `http://127.0.0.1:${dataPlanePort}`;
  const server: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_PORT: String(kafkaPort), SLUICE_QUEUE_HTTP_PORT: String(dataPlanePort), SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD, SLUICE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      process.kill(-server.pid!, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) process.kill(-server.pid!, 'SIGKILL');
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 15 * 60_000; // a first run builds the console
    for (;;) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        // not up yet
      }
      if (server.exitCode !== null || Date.now() > deadline) throw new Error('npm start did not become healthy');
      await new Promise((r) => setTimeout(r, 500));
    }
    const browserHeaders = { 'content-type': 'application/json', origin: base, 'sec-fetch-site': 'same-origin' };
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: browserHeaders, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const { csrfToken } = (await json(login)) as { csrfToken: string };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    let n = 0;
    const token = async (role: 'viewer' | 'operator' | 'admin') => {
      const res = await fetch(`${base}/api/v1/tokens`, {
        method: 'POST',
        headers: { ...browserHeaders, cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: `bench-${role}-${++n}`, role }),
      });
      return ((await json(res)) as { token: string }).token;
    };
    return { base, dataPlaneBase, dataDir, kafkaPort, session: { cookie, csrfToken }, token, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
