/**
 * Builds the web console (`next build`) when there is no build yet or a source file is newer
 * than it. Used by `npm start` (so `npm install && npm start` works on a fresh clone) and by the
 * server tests (which reuse a fresh build instead of rebuilding for minutes).
 *
 * "Newer" is by modification time against `.next/BUILD_ID`, which `next build` writes last.
 * Directories count too, so deleting a file (which touches its directory) also triggers a build.
 * Concurrent callers in one checkout serialize on a lock directory, so two processes never run
 * `next build` into the same `.next` at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Everything a build is made from. Missing entries are fine (e.g. `components/` before it exists). */
export const BUILD_INPUTS = [
  'app',
  'broker',
  'server',
  'lib',
  'components',
  'public',
  'generated',
  'instrumentation.ts',
  'proxy.ts',
  'next.config.js',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

const SKIP_DIRS = new Set(['node_modules', '.next', '.git']);

export interface Staleness {
  stale: boolean;
  /** Human-readable: why a build is (or is not) needed. */
  reason: string;
}

export function nextBin(root = PROJECT_ROOT): string {
  return join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
}

/** Whether `.next` is missing or older than any build input. */
export async function checkBuild(root = PROJECT_ROOT): Promise<Staleness> {
  let builtAt: number;
  try {
    builtAt = (await stat(join(root, '.next', 'BUILD_ID'))).mtimeMs;
  } catch {
    return { stale: true, reason: 'no build yet (.next/BUILD_ID is missing)' };
  }
  for (const input of BUILD_INPUTS) {
    const newer = await findNewer(join(root, input), builtAt);
    if (newer) return { stale: true, reason: `${relative(root, newer)} changed since the last build` };
  }
  return { stale: false, reason: 'the build is newer than every source file' };
}

/** The first path under `path` (itself included) modified after `since`, if any. */
async function findNewer(path: string, since: number): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  if (info.mtimeMs > since) return path;
  if (!info.isDirectory()) return undefined;
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
    const found = await findNewer(join(path, entry.name), since);
    if (found) return found;
  }
  return undefined;
}

export interface BuildOptions {
  root?: string;
  /** Environment for `next build`; defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Where progress lines go. */
  log?: (line: string) => void;
  /** `inherit` shows Next's build output; `pipe` hands it to `log` (tests). */
  output?: 'inherit' | 'pipe';
  /** Called with the build's child process, e.g. to forward signals to it. */
  onChild?: (child: import('node:child_process').ChildProcess) => void;
}

export interface BuildResult {
  built: boolean;
  reason: string;
  durationMs: number;
}

/** Runs `next build` if `checkBuild` says so; throws if the build fails. */
export async function buildIfStale(options: BuildOptions = {}): Promise<BuildResult> {
  const root = options.root ?? PROJECT_ROOT;
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const started = Date.now();

  const first = await checkBuild(root);
  if (!first.stale) return { built: false, reason: first.reason, durationMs: 0 };

  const release = await acquireBuildLock(root, log);
  try {
    // Another process may have built while we waited for the lock.
    const check = await checkBuild(root);
    if (!check.stale) return { built: false, reason: check.reason, durationMs: Date.now() - started };
    log(`Building the web console: ${check.reason}. This takes a minute or two the first time…`);
    await runNextBuild(root, options, log);
    return { built: true, reason: check.reason, durationMs: Date.now() - started };
  } finally {
    await release();
  }
}

function runNextBuild(root: string, options: BuildOptions, log: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [nextBin(root), 'build', '--webpack'], {
      cwd: root,
      env: { NEXT_TELEMETRY_DISABLED: '1', ...(options.env ?? process.env) },
      stdio: options.output === 'pipe' ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    options.onChild?.(child);
    if (options.output === 'pipe') {
      let tail = '';
      const onData = (chunk: Buffer) => {
        const text = tail + chunk.toString('utf8');
        const lines = text.split('\n');
        tail = lines.pop() ?? '';
        for (const line of lines) log(line);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('close', () => {
        if (tail) log(tail);
      });
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`next build failed (${signal ? `signal ${signal}` : `exit code ${code}`})`));
    });
  });
}

const LOCK_POLL_MS = 500;

/** A lock directory holding the owner's pid; a lock whose owner is gone is taken over. */
async function acquireBuildLock(root: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const lockDir = join(root, 'node_modules', '.cache', 'sluice', 'next-build.lock');
  await mkdir(dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(join(lockDir, 'pid'), String(process.pid));
      return async () => {
        await rm(lockDir, { recursive: true, force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''));
    if (owner && !isAlive(owner)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!owner && existsSync(lockDir)) {
      // Created but pid not written yet, or written by a process that died between the two steps.
      const age = Date.now() - (await stat(lockDir).then((s) => s.mtimeMs, () => Date.now()));
      if (age > 10_000) await rm(lockDir, { recursive: true, force: true });
    }
    if (!announced) {
      log(`Waiting for another build in this checkout (pid ${owner || '?'}) to finish…`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
