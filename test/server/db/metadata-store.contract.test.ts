/**
 * Contract of the metadata store, run against both databases it supports: real SQLite files
 * and a real PostgreSQL server (no mocks). Each run gets a database of its own: a fresh temp dir
 * for SQLite, a fresh schema (dropped afterwards) for PostgreSQL.
 *
 *   SLUICE_TEST_POSTGRES_URL   server and database for the PostgreSQL run
 *                              (default postgres://postgres@127.0.0.1:5432/test)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, isUniqueViolation, Prisma, type Db } from '../../../server/db/client.js';
import { BUILTIN_CLUSTER_NAME, ensureBuiltinCluster, InvalidClusterRowError, listClusters } from '../../../server/db/clusters.js';
import { migrateDatabase } from '../../../server/db/migrate.js';
import type { Env } from '../../../server/db/target.js';

const PG_BASE_URL = process.env.SLUICE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
/** A real `prisma migrate deploy` is a Node process start plus wasm: allow for a loaded CI box. */
const CLI_TIMEOUT_MS = 120_000;

interface TestDatabase {
  env: Env;
  /** Where the tables must be, checked with the database's own tools. */
  tableNames(): Promise<string[]>;
  cleanup(): Promise<void>;
}

interface Target {
  name: 'sqlite' | 'postgresql';
  create(): Promise<TestDatabase>;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-db-test-'));
      return {
        // DATABASE_URL explicitly unset: the default SQLite file in SLUICE_DATA_DIR is under test.
        env: { SLUICE_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
        async tableNames() {
          const { default: Database } = await import('better-sqlite3');
          const db = new Database(join(dir, 'data', 'sluice.db'), { readonly: true });
          try {
            return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
          } finally {
            db.close();
          }
        },
        async cleanup() {
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgresql',
    async create() {
      const schema = `sluice_test_${randomBytes(6).toString('hex')}`;
      const url = new URL(PG_BASE_URL);
      url.searchParams.set('schema', schema);
      const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
        const client = new pg.Client({ connectionString: PG_BASE_URL });
        await client.connect();
        try {
          return await fn(client);
        } finally {
          await client.end();
        }
      };
      return {
        env: { DATABASE_URL: url.toString() },
        tableNames: () =>
          admin(async (c) => (await c.query<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = $1', [schema])).rows.map((r) => r.tablename)),
        cleanup: () => admin(async (c) => void (await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))),
      };
    },
  },
];

const committedMigrations = (provider: string) =>
  readdirSync(join(process.cwd(), 'prisma', 'migrations', provider), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe.each(targets)('metadata store on $name', (target) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await target.create();
  });

  afterAll(async () => {
    await db?.$disconnect();
    await database?.cleanup();
  });

  describe('migrations', () => {
    it(
      'migrates a fresh database with every committed migration',
      async () => {
        const result = await migrateDatabase({ env: database.env });
        expect(result.provider).toBe(target.name);
        expect(result.ranCli).toBe(true);
        expect(result.applied).toEqual(committedMigrations(target.name));
        expect(result.applied.length).toBeGreaterThan(0);
        expect(await database.tableNames()).toEqual(expect.arrayContaining(['Cluster', 'Setting', '_prisma_migrations']));
        db = createDb({ env: database.env });
      },
      CLI_TIMEOUT_MS,
    );

    it('does nothing, without starting the CLI, when the database is up to date', async () => {
      const result = await migrateDatabase({ env: database.env });
      expect(result).toMatchObject({ provider: target.name, applied: [], ranCli: false });
      expect(result.durationMs).toBeLessThan(5_000);
    });

    it(
      'is idempotent through the CLI too (prisma migrate deploy on a migrated database)',
      async () => {
        const output: string[] = [];
        const result = await migrateDatabase({ env: database.env, force: true, onOutput: (l) => output.push(l) });
        expect(result).toMatchObject({ applied: [], ranCli: true });
        expect(output.join('\n')).toContain('No pending migrations to apply');
      },
      CLI_TIMEOUT_MS,
    );

    it('shares one run between concurrent callers in a process', async () => {
      const [a, b] = await Promise.all([migrateDatabase({ env: database.env }), migrateDatabase({ env: database.env })]);
      expect(a).toBe(b);
    });
  });

  describe('clusters', () => {
    it('ensureBuiltinCluster creates the built-in cluster once', async () => {
      const first = await ensureBuiltinCluster(db);
      const second = await ensureBuiltinCluster(db);
      expect(second.id).toBe(first.id);
      expect(first).toMatchObject({ name: BUILTIN_CLUSTER_NAME, kind: 'builtin', config: {} });
      expect(first.createdAt).toBeInstanceOf(Date);
      expect(await db.cluster.count({ where: { name: BUILTIN_CLUSTER_NAME } })).toBe(1);
    });

    it('ensureBuiltinCluster is safe to call concurrently, and from a second client', async () => {
      const other = createDb({ env: database.env });
      try {
        const results = await Promise.all([ensureBuiltinCluster(db), ensureBuiltinCluster(other), ensureBuiltinCluster(db), ensureBuiltinCluster(other)]);
        expect(new Set(results.map((c) => c.id)).size).toBe(1);
        expect(await db.cluster.count()).toBe(1);
      } finally {
        await other.$disconnect();
      }
    });

    it('ensureBuiltinCluster leaves an existing row as it is', async () => {
      await db.cluster.update({ where: { name: BUILTIN_CLUSTER_NAME }, data: { config: '{"note":"kept"}' } });
      expect((await ensureBuiltinCluster(db)).config).toEqual({ note: 'kept' });
      await db.cluster.update({ where: { name: BUILTIN_CLUSTER_NAME }, data: { config: '{}' } });
    });

    it('listClusters returns validated clusters, built-in first', async () => {
      await db.cluster.create({ data: { name: 'a-kafka', kind: 'kafka', config: JSON.stringify({ brokers: ['k1:9092'] }) } });
      await db.cluster.create({ data: { name: 'rabbit', kind: 'rabbitmq' } });
      const clusters = await listClusters(db);
      expect(clusters.map((c) => [c.name, c.kind])).toEqual([
        [BUILTIN_CLUSTER_NAME, 'builtin'],
        ['a-kafka', 'kafka'],
        ['rabbit', 'rabbitmq'],
      ]);
      expect(clusters[1]?.config).toEqual({ brokers: ['k1:9092'] });
      expect(clusters[2]?.config).toEqual({});
    });

    it('listClusters rejects a row whose kind is not a known one, naming the row', async () => {
      await db.cluster.create({ data: { name: 'odd', kind: 'nats' } });
      try {
        await expect(listClusters(db)).rejects.toThrow(InvalidClusterRowError);
        await expect(listClusters(db)).rejects.toThrow(/"odd".*kind is "nats"/);
      } finally {
        await db.cluster.delete({ where: { name: 'odd' } });
      }
    });

    it('a duplicate cluster name is a unique-constraint error (P2002)', async () => {
      const err = await db.cluster.create({ data: { name: 'rabbit', kind: 'rabbitmq' } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      expect(err).toMatchObject({ code: 'P2002' });
      expect(isUniqueViolation(err)).toBe(true);
    });
  });

  describe('settings', () => {
    it('creates, reads, updates and deletes a setting', async () => {
      const created = await db.setting.create({ data: { key: 'ui.theme', value: 'dark' } });
      expect(created).toMatchObject({ key: 'ui.theme', value: 'dark' });
      expect(await db.setting.findUnique({ where: { key: 'ui.theme' } })).toEqual(created);

      await new Promise((r) => setTimeout(r, 5));
      const updated = await db.setting.update({ where: { key: 'ui.theme' }, data: { value: 'light' } });
      expect(updated.value).toBe('light');
      expect(updated.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());

      const upserted = await db.setting.upsert({
        where: { key: 'alerts.enabled' },
        create: { key: 'alerts.enabled', value: 'true' },
        update: { value: 'true' },
      });
      expect(upserted.value).toBe('true');
      expect((await db.setting.findMany({ orderBy: { key: 'asc' } })).map((s) => s.key)).toEqual(['alerts.enabled', 'ui.theme']);

      await db.setting.delete({ where: { key: 'ui.theme' } });
      expect(await db.setting.findUnique({ where: { key: 'ui.theme' } })).toBeNull();
      expect(await db.setting.count()).toBe(1);
    });

    it('stores values verbatim (unicode, quotes, long text)', async () => {
      const value = `"quoted" 'single' ünïcödé 🚀 ${'x'.repeat(10_000)}`;
      await db.setting.create({ data: { key: 'verbatim', value } });
      expect((await db.setting.findUniqueOrThrow({ where: { key: 'verbatim' } })).value).toBe(value);
    });

    it('a duplicate key is a unique-constraint error (P2002) and leaves the row unchanged', async () => {
      await db.setting.create({ data: { key: 'dup', value: 'first' } });
      const err = await db.setting.create({ data: { key: 'dup', value: 'second' } }).catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect((await db.setting.findUniqueOrThrow({ where: { key: 'dup' } })).value).toBe('first');
    });

    it('rolls back a failed transaction as a whole', async () => {
      const err = await db
        .$transaction([db.setting.create({ data: { key: 'tx.one', value: '1' } }), db.setting.create({ data: { key: 'dup', value: 'clash' } })])
        .catch((e: unknown) => e);
      expect(isUniqueViolation(err)).toBe(true);
      expect(await db.setting.findUnique({ where: { key: 'tx.one' } })).toBeNull();
    });
  });
});
