/**
 * Brings the metadata database up to date with the committed migrations of its provider
 * (prisma/migrations/<provider>/), with `prisma migrate deploy` run as a child process: the
 * same command an operator would run, so there is one way migrations get applied.
 *
 * Fast when there is nothing to do: the `_prisma_migrations` table is read directly first, and
 * the CLI (about 1.5 s of start-up) runs only when a committed migration is not recorded as
 * applied, or when a failed migration is recorded (the CLI then reports it).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { ensureDirSync } from '../../broker/ensure-dir.js';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pgPoolConfig } from './adapters.js';
import { describeTarget, providerPaths, redactUrl, resolveDatabaseTarget, type DbTarget, type Env } from './target.js';

export interface MigrateOptions {
  /** Where DATABASE_URL / SLUICE_DATA_DIR are read from (default `process.env`). */
  env?: Env;
  /** The project root: holds prisma.config.ts, prisma/ and node_modules/ (default: cwd). */
  projectRoot?: string;
  /** Run `prisma migrate deploy` even when every migration is recorded as applied. */
  force?: boolean;
  /** Kill the CLI after this long (default 120 s). */
  timeoutMs?: number;
  /** Receives the CLI's output, line by line, when it runs. */
  onOutput?: (line: string) => void;
}

export interface MigrateResult {
  provider: DbTarget['provider'];
  /** e.g. `sqlite /app/data/sluice.db` (never a password). */
  database: string;
  /** Migrations applied by this call, oldest first. */
  applied: string[];
  /** False when the check showed nothing to do and the CLI was not started. */
  ranCli: boolean;
  durationMs: number;
}

/** The CLI failed; `output` is what it printed (it names the migration and the SQL error). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output.trim()}`);
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;
const MIGRATION_DIR = /^\d{14}_[A-Za-z0-9_]+$/;

// One migration at a time per database in this process (e.g. two callers racing at start-up).
const inFlight = new Map<string, Promise<MigrateResult>>();

export function migrateDatabase(options: MigrateOptions = {}): Promise<MigrateResult> {
  const projectRoot = resolve(/*turbopackIgnore: true*/ options.projectRoot ?? process.cwd());
  const target = resolveDatabaseTarget(options.env ?? process.env, projectRoot);
  const key = target.provider === 'sqlite' ? target.filePath : `${target.connectionString}#${target.schema}`;
  const running = inFlight.get(key);
  if (running) return running;
  const run = migrate(target, projectRoot, options).finally(() => inFlight.delete(key));
  inFlight.set(key, run);
  return run;
}

async function migrate(target: DbTarget, projectRoot: string, options: MigrateOptions): Promise<MigrateResult> {
  const started = performance.now();
  const paths = providerPaths(target.provider);
  const local = committedMigrations(join(projectRoot, paths.migrations));

  if (target.provider === 'sqlite') prepareSqliteFile(target.filePath);

  const pending = await pendingMigrations(target, local);
  const result = (ranCli: boolean, applied: string[]): MigrateResult => ({
    provider: target.provider,
    database: describeTarget(target),
    applied,
    ranCli,
    durationMs: Math.round(performance.now() - started),
  });
  if (pending.length === 0 && !options.force) return result(false, []);

  if (!existsSync(join(projectRoot, paths.schema))) {
    throw new MigrationError(`${paths.schema} is missing`, 'Run `npm run db:generate` (it runs on npm install).');
  }
  await runMigrateDeploy(target, projectRoot, options);
  return result(true, pending);
}

function committedMigrations(dir: string): string[] {
  if (!existsSync(dir)) throw new MigrationError(`no migrations directory at ${dir}`, '');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && MIGRATION_DIR.test(e.name) && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
}

/**
 * Creates the data directory and the database file, in WAL mode: the web server, `npm run
 * broker` and CLI tools may all have it open, and WAL lets readers run alongside the writer.
 * The mode is stored in the file, so every later connection gets it.
 */
function prepareSqliteFile(filePath: string): void {
  ensureDirSync(dirname(filePath));
  const db = new Database(filePath, { timeout: 5_000 });
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

interface AppliedRow {
  migration_name: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * Committed migrations not recorded as applied. A recorded failure (started, not finished,
 * not rolled back) counts as pending, so that the CLI runs and reports it.
 */
async function pendingMigrations(target: DbTarget, local: string[]): Promise<string[]> {
  const rows = target.provider === 'sqlite' ? readSqliteHistory(target.filePath) : await readPostgresHistory(target);
  if (rows === null) return local;
  if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return local;
  const applied = new Set(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => r.migration_name));
  return local.filter((name) => !applied.has(name));
}

const HISTORY_SQL = 'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations';

function readSqliteHistory(filePath: string): AppliedRow[] | null {
  const db = new Database(filePath, { readonly: true, timeout: 5_000 });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    return table ? (db.prepare(HISTORY_SQL).all() as AppliedRow[]) : null;
  } finally {
    db.close();
  }
}

async function readPostgresHistory(target: Extract<DbTarget, { provider: 'postgresql' }>): Promise<AppliedRow[] | null> {
  const client = new pg.Client(pgPoolConfig(target));
  try {
    await client.connect();
  } catch (err) {
    throw new MigrationError(`cannot connect to ${redactUrl(target.url)}`, err instanceof Error ? err.message : String(err));
  }
  try {
    const table = `"${target.schema}"."_prisma_migrations"`;
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table]);
    if (exists.rows[0]?.t == null) return null;
    return (await client.query<AppliedRow>(HISTORY_SQL.replace('_prisma_migrations', table))).rows;
  } finally {
    await client.end();
  }
}

function runMigrateDeploy(target: DbTarget, projectRoot: string, options: MigrateOptions): Promise<void> {
  let cli: string;
  try {
    // Node's own lookup (node_modules of the project root, then of its parents), not a bundler's.
    cli = join(dirname(createRequire(join(projectRoot, 'package.json')).resolve('prisma/package.json')), 'build', 'index.js');
  } catch {
    return Promise.reject(new MigrationError(`the prisma package is not installed under ${projectRoot}`, 'Run npm install.'));
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    // The resolved target, so that the CLI's prisma.config.ts reaches exactly this database.
    DATABASE_URL: target.url,
    SLUICE_PRISMA_PROVIDER: target.provider,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy', '--config', 'prisma.config.ts'], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      if (options.onOutput) for (const line of text.split('\n')) if (line.trim()) options.onOutput(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new MigrationError('could not start the Prisma CLI', err.message));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise();
      else if (signal) reject(new MigrationError(`prisma migrate deploy killed (${signal}) after ${timeoutMs} ms`, output));
      else reject(new MigrationError(`prisma migrate deploy failed (exit ${code}) on ${describeTarget(target)}`, output));
    });
  });
}
