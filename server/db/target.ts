/**
 * Which database the control-plane metadata lives in, decided from the environment once.
 *
 * | variable          | default  | meaning                                                           |
 * | ----------------- | -------- | ----------------------------------------------------------------- |
 * | `DATABASE_URL`    | (unset)  | `postgres://…` / `postgresql://…`: PostgreSQL (`?schema=` picks   |
 * |                   |          | the schema, default `public`); `file:…`: that SQLite file;       |
 * |                   |          | unset or blank: SQLite `<SLUICE_DATA_DIR>/sluice.db`              |
 * | `SLUICE_DATA_DIR` | `./data` | where the default SQLite file lives (made absolute)              |
 *
 * No Prisma imports here: `prisma.config.ts` (loaded by the Prisma CLI), `migrate.ts` and
 * `client.ts` all share this module, and it must stay cheap to import.
 */
import { isAbsolute, join, resolve } from 'node:path';

export type DbProvider = 'sqlite' | 'postgresql';

/** An environment to read settings from: `process.env`, or a plain object in tests and tools. */
export type Env = Readonly<Record<string, string | undefined>>;
export const DB_PROVIDERS: readonly DbProvider[] = ['sqlite', 'postgresql'];

export const DEFAULT_DATA_DIR = './data';
export const SQLITE_FILE_NAME = 'sluice.db';

export interface SqliteTarget {
  provider: 'sqlite';
  /** Absolute path of the database file. */
  filePath: string;
  /** `file:<absolute path>`: what a child process gets as `DATABASE_URL` to reach the same file. */
  url: string;
}

export interface PostgresTarget {
  provider: 'postgresql';
  /** The connection string without Prisma's `schema` parameter (which `pg` does not know). */
  connectionString: string;
  /** PostgreSQL schema holding the tables (`?schema=` of `DATABASE_URL`, default `public`). */
  schema: string;
  /** `DATABASE_URL` as given. */
  url: string;
}

export type DbTarget = SqliteTarget | PostgresTarget;

/** Thrown for a `DATABASE_URL` Sluice cannot use; the message says what would work. */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}

/** Only plain identifiers: the name ends up in `search_path` and in quoted SQL identifiers. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

const blankToUndefined = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

export function resolveDataDir(env: Env = process.env, cwd = process.cwd()): string {
  return resolve(cwd, blankToUndefined(env.SLUICE_DATA_DIR) ?? DEFAULT_DATA_DIR);
}

export function resolveDatabaseTarget(env: Env = process.env, cwd = process.cwd()): DbTarget {
  const url = blankToUndefined(env.DATABASE_URL);
  if (url === undefined) {
    const filePath = join(resolveDataDir(env, cwd), SQLITE_FILE_NAME);
    return { provider: 'sqlite', filePath, url: `file:${filePath}` };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) return postgresTarget(url);
  if (/^file:/i.test(url)) {
    const path = url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''); // file:///abs → /abs
    if (path === '' || path.includes('?')) {
      throw new DatabaseConfigError(`DATABASE_URL: a file: URL needs a plain path, e.g. file:./data/sluice.db (got ${url})`);
    }
    const filePath = isAbsolute(path) ? path : resolve(cwd, path);
    return { provider: 'sqlite', filePath, url: `file:${filePath}` };
  }
  throw new DatabaseConfigError(
    `DATABASE_URL must start with postgres:// or postgresql:// (PostgreSQL) or file: (SQLite), or be unset ` +
      `for SQLite in SLUICE_DATA_DIR; got "${redactUrl(url)}"`,
  );
}

function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError(`DATABASE_URL is not a valid URL: "${redactUrl(url)}"`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new DatabaseConfigError(
      `DATABASE_URL: schema must be a plain identifier (letters, digits, _ and $; at most 63 characters), got "${schema}"`,
    );
  }
  parsed.searchParams.delete('schema');
  return { provider: 'postgresql', connectionString: parsed.toString(), schema, url };
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/** A short description of the target for logs: never includes a password. */
export function describeTarget(target: DbTarget): string {
  return target.provider === 'sqlite'
    ? `sqlite ${target.filePath}`
    : `postgresql ${redactUrl(target.connectionString)} schema ${target.schema}`;
}

/** Project-relative paths of the per-provider artefacts (see docs/metadata-store.md). */
export const providerPaths = (provider: DbProvider) => ({
  schema: `prisma/generated/${provider}/schema.prisma`,
  migrations: `prisma/migrations/${provider}`,
});
