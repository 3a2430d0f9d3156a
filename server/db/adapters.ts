/**
 * Prisma driver adapters for the two databases: better-sqlite3 and pg. The application's
 * clients (`client.ts`) and the Prisma CLI (`prisma.config.ts`, for `migrate deploy` and
 * `migrate diff` through the wasm schema engine) both get theirs from here.
 */
import { randomUUID } from 'node:crypto';
import { ensureDirSync } from '../../broker/ensure-dir.js';
import { dirname } from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { DbTarget, PostgresTarget } from './target.js';

/** How long a SQLite writer waits for another connection's lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export type DriverAdapterFactory = PrismaBetterSQLite3 | PrismaPg;

export interface AdapterOptions {
  /**
   * For the Prisma CLI's schema engine rather than the query client: works around the pg
   * adapter's missing support for the `name` column type and lets the CLI process exit as soon
   * as it is done (see `pgPoolConfig`).
   */
  forPrismaCli?: boolean;
}

export function createDriverAdapter(target: DbTarget, options: AdapterOptions = {}): DriverAdapterFactory {
  if (target.provider === 'sqlite') {
    // better-sqlite3 creates a missing file but not a missing directory.
    ensureDirSync(dirname(target.filePath));
    const config = { url: `file:${target.filePath}`, timeout: SQLITE_BUSY_TIMEOUT_MS };
    return options.forPrismaCli ? new CliSqliteAdapterFactory(config) : new PrismaBetterSQLite3(config);
  }
  const pool = new pg.Pool(pgPoolConfig(target, options));
  if (options.forPrismaCli) return new CliPgAdapterFactory(pool, target);
  return new PrismaPg(pool, { schema: target.schema, disposeExternalPool: true });
}

export function pgPoolConfig(target: PostgresTarget, options: AdapterOptions = {}): pg.PoolConfig {
  const config: pg.PoolConfig = { connectionString: target.connectionString };
  // The query compiler qualifies table names with the adapter's `schema`; search_path makes
  // unqualified SQL (raw queries, and the committed migration scripts, which are written
  // without a schema) land in the same place. Only set when needed: some poolers (PgBouncer)
  // reject the `options` startup parameter.
  if (target.schema !== 'public') config.options = `-c search_path=${target.schema}`;
  if (options.forPrismaCli) {
    // Idle connections must not keep the CLI process alive for idleTimeoutMillis after its work.
    config.allowExitOnIdle = true;
    config.Client = NameAsTextClient;
  }
  return config;
}

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;

/**
 * When the schema engine replays committed migrations into the shadow database (`migrate diff
 * --from-migrations`, used by scripts/new-migration.mjs), it sends each migration file as ONE
 * `executeRaw` call, and the better-sqlite3 adapter prepares it as a single statement, which
 * better-sqlite3 refuses ("The supplied SQL string contains more than one statement"; Prisma
 * reports P3006 "External error"). Such calls carry no parameters, so running them as a script
 * (`executeScript`, i.e. `Database.exec`) is what was meant. Nothing ran before the refusal:
 * better-sqlite3 rejects the string while preparing it.
 */
class CliSqliteAdapterFactory extends PrismaBetterSQLite3 {
  override async connect(): Promise<SqliteAdapter> {
    return allowMultiStatementScripts(await super.connect());
  }
  override async connectToShadowDb(): Promise<SqliteAdapter> {
    return allowMultiStatementScripts(await super.connectToShadowDb());
  }
}

function allowMultiStatementScripts(adapter: SqliteAdapter): SqliteAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (err) {
      if (query.args.length === 0 && err instanceof RangeError && /more than one statement/.test(err.message)) {
        await adapter.executeScript(query.sql);
        return 0;
      }
      throw err;
    }
  };
  return adapter;
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * @prisma/adapter-pg 6.19's shadow database (used by `migrate diff --from-migrations`) is a
 * fresh `CREATE DATABASE`, but it connects to it with `{ ...config, database }`, and pg lets a
 * `connectionString` in `config` win over `database`: the "shadow" replay then runs in the real
 * database. This factory connects to the shadow database by rewriting the connection string,
 * and drops it afterwards as the original does.
 */
class CliPgAdapterFactory extends PrismaPg {
  constructor(
    pool: pg.Pool,
    private readonly target: PostgresTarget,
  ) {
    super(pool, { schema: target.schema, disposeExternalPool: true });
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    const main = await this.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await main.executeScript(`CREATE DATABASE "${database}"`);
    const url = new URL(this.target.connectionString);
    url.pathname = `/${database}`;
    const shadowTarget: PostgresTarget = { ...this.target, connectionString: url.toString(), schema: 'public' };
    const shadowPool = new pg.Pool(pgPoolConfig(shadowTarget, { forPrismaCli: true }));
    const shadow = await new PrismaPg(shadowPool, { disposeExternalPool: true }).connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      try {
        await main.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      } finally {
        await main.dispose();
      }
    };
    return shadow;
  }
}

const PG_NAME_OID = 19;
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * @prisma/adapter-pg 6.19 rejects result columns of the catalog types `name` and `"char"`
 * ("Column type 'name' could not be deserialized from the database", prisma/prisma#27403),
 * and the schema engine's introspection queries return such columns, so every
 * `prisma migrate …` through the adapter fails. Both types arrive from PostgreSQL as text
 * anyway, so relabelling them as `text` before the adapter looks at the result is lossless.
 * Only the CLI's adapter uses this client; the application's queries never read catalog types.
 */
class NameAsTextClient extends pg.Client {
  // pg's overloads (callback, promise, Submittable) are easier to forward untyped.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length - 1;
    const callback: unknown = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: unknown) => {
        if (!err) relabelCatalogColumns(res);
        return (callback as (e: unknown, r: unknown) => void)(err, res);
      };
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((res: unknown) => {
        relabelCatalogColumns(res);
        return res;
      });
    }
    return result;
  }
}

function relabelCatalogColumns(res: unknown): void {
  for (const r of Array.isArray(res) ? res : [res]) {
    const fields = (r as { fields?: { dataTypeID: number }[] } | undefined)?.fields;
    if (!fields) continue;
    for (const f of fields) {
      if (f.dataTypeID === PG_NAME_OID || f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
    }
  }
}
