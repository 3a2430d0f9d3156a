/**
 * `npm start`: builds the web console if needed, then runs the production server (`next start`)
 * with the broker inside it, and stays in the foreground.
 *
 *   PORT              web console port (3000)
 *   SLUICE_HTTP_HOST  bind address (127.0.0.1: loopback only until the console has a login)
 *   SLUICE_*          broker settings, checked here before a build is started (broker/config.ts)
 *
 * SIGINT/SIGTERM are forwarded to the server, which stops the broker, closes the metadata DB and
 * exits 0; this process then exits with the server's exit code. A repeat of the signal within
 * half a second is treated as the same request (a terminal's Ctrl-C reaches every process in
 * the group, and npm and tsx relay it as well); a later one is forwarded again, and makes the
 * server exit 1 at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { BrokerConfigError, loadBrokerConfig } from '../broker/config.js';
import { buildIfStale, nextBin, PROJECT_ROOT } from './build-if-stale.js';

const DUPLICATE_SIGNAL_WINDOW_MS = 500;
const HEALTH_POLL_MS = 250;

function say(line: string): void {
  process.stdout.write(`[sluice] ${line}\n`);
}

function fail(message: string, code = 2): never {
  process.stderr.write(`[sluice] ${message}\n`);
  process.exit(code);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 3000;
  const port = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65535) {
    fail(`PORT must be an integer from 1 to 65535 (got ${JSON.stringify(raw)})`);
  }
  return port;
}

function parseHost(raw: string | undefined): string {
  const host = raw?.trim() || '127.0.0.1';
  if (/[\s/]/.test(host)) fail(`SLUICE_HTTP_HOST must be a host name or IP address (got ${JSON.stringify(raw)})`);
  return host;
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]']);

/** Where to reach a server bound to `host` from this machine. */
function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '[::1]' : host;
  const h = reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable;
  return `http://${h}:${port}`;
}

const port = parsePort(process.env.PORT);
const host = parseHost(process.env.SLUICE_HTTP_HOST);

try {
  loadBrokerConfig();
} catch (err) {
  if (err instanceof BrokerConfigError) fail(err.message);
  throw err;
}

let child: ChildProcess | undefined;
let stopRequested: NodeJS.Signals | undefined;
let lastSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  const now = Date.now();
  const duplicate = stopRequested !== undefined && now - lastSignalAt < DUPLICATE_SIGNAL_WINDOW_MS;
  lastSignalAt = now;
  stopRequested ??= signal;
  if (duplicate) return;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
  } else {
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

function exitWithChild(c: ChildProcess): Promise<never> {
  return new Promise(() => {
    c.on('exit', (code, signal) => {
      process.exit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}

async function waitUntilHealthy(url: string, server: ChildProcess): Promise<boolean> {
  const started = Date.now();
  let warned = false;
  while (server.exitCode === null && server.signalCode === null && !stopRequested) {
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    if (!warned && Date.now() - started > 60_000) {
      say(`still waiting for ${url}/api/health to answer 200…`);
      warned = true;
    }
    await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
  }
  return false;
}

async function main(): Promise<void> {
  const build = await buildIfStale({
    onChild: (c) => {
      child = c;
    },
  });
  child = undefined;
  if (build.built) say(`Build finished in ${(build.durationMs / 1000).toFixed(1)} s.`);
  if (stopRequested) process.exit(128 + (constants.signals[stopRequested] ?? 0));

  const server = spawn(process.execPath, [nextBin(), 'start', '--port', String(port), '--hostname', host], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      // The broker's shutdown handler (installed from instrumentation.ts) decides when the server
      // process exits; Next's own handler would exit as soon as HTTP is closed, racing it.
      NEXT_MANUAL_SIG_HANDLE: '1',
      PORT: String(port),
    },
  });
  child = server;
  const exited = exitWithChild(server);

  const url = localUrl(host, port);
  if (await waitUntilHealthy(url, server)) {
    say(`Sluice is ready: ${url}${WILDCARD.has(host) ? ` (listening on all interfaces, ${host})` : ''}`);
  }
  await exited;
}

main().catch((err: unknown) => {
  fail(err instanceof Error ? err.message : String(err), 1);
});
