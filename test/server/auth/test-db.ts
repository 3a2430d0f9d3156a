/**
 * Fresh, migrated metadata databases for the auth, API and audit tests: real SQLite files (a
 * migrated template copied per test, since `prisma migrate deploy` takes seconds) and real
 * PostgreSQL schemas (dropped afterwards).
 *
 *   SLUICE_TEST_POSTGRES_URL   server and database for PostgreSQL runs
 *                              (default postgres://postgres@127.0.0.1:5432/test)
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../../../server/db/client.js';
import { migrateDatabase } from '../../../server/db/migrate.js';
import type { Env } from '../../../server/db/target.js';

export const PG_BASE_URL = process.env.SLUICE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDb {
  db: Db;
  env: Env;
  cleanup(): Promise<void>;
}

let template: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-auth-template-'));
    await migrateDatabase({ env: { SLUICE_DATA_DIR: dir, DATABASE_URL: '' }, timeoutMs: 240_000 });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'sluice.db');
  })();
  return template;
}

/** Env for a fresh migrated SQLite database in a new temp data dir. */
export async function freshSqliteEnv(): Promise<{ env: Env; dir: string }> {
  const file = await migratedTemplate();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-auth-'));
  mkdirSync(dir, { recursive: true });
  copyFileSync(file, join(dir, 'sluice.db'));
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) copyFileSync(file + suffix, join(dir, 'sluice.db' + suffix));
  return { env: { SLUICE_DATA_DIR: dir, DATABASE_URL: '' }, dir };
}

export async function freshSqliteDb(): Promise<TestDb> {
  const { env, dir } = await freshSqliteEnv();
  const db = createDb({ env });
  return {
    db,
    env,
    async cleanup() {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freshPostgresDb(): Promise<TestDb> {
  const schema = `sluice_auth_${randomBytes(6).toString('hex')}`;
  const url = new URL(PG_BASE_URL);
  url.searchParams.set('schema', schema);
  const env: Env = { DATABASE_URL: url.toString() };
  await migrateDatabase({ env, timeoutMs: 240_000 });
  const db = createDb({ env });
  return {
    db,
    env,
    async cleanup() {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: PG_BASE_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export const DATABASES = [
  { name: 'sqlite', create: freshSqliteDb },
  { name: 'postgresql', create: freshPostgresDb },
] as const;
