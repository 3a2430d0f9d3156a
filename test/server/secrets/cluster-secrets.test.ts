/**
 * Cluster credentials at rest, on both metadata databases (a fresh SQLite file, a fresh
 * PostgreSQL schema): the raw `secrets` column holds ciphertext only, reads decrypt, the client
 * view is `hasSecrets`, and bad input writes nothing.
 *
 *   SLUICE_TEST_POSTGRES_URL   default postgres://postgres@127.0.0.1:5432/test
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { createDb, type Db } from '../../../server/db/client.js';
import { migrateDatabase } from '../../../server/db/migrate.js';
import type { Env } from '../../../server/db/target.js';
import { clusterSecretsView, readClusterSecrets, setClusterSecrets } from '../../../server/secrets/cluster-secrets.js';
import { SecretKey } from '../../../server/secrets/key.js';

const PG_BASE_URL = process.env.SLUICE_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
const CLI_TIMEOUT_MS = 120_000;

interface TestDatabase {
  env: Env;
  /** The `secrets` column as stored, read with the database's own driver. */
  rawSecrets(clusterId: string): Promise<string>;
  cleanup(): Promise<void>;
}

const targets: { name: string; create(): Promise<TestDatabase> }[] = [
  {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-secrets-db-'));
      return {
        env: { SLUICE_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
        async rawSecrets(clusterId) {
          const { default: Database } = await import('better-sqlite3');
          const db = new Database(join(dir, 'data', 'sluice.db'), { readonly: true });
          try {
            return (db.prepare('SELECT secrets FROM "Cluster" WHERE id = ?').get(clusterId) as { secrets: string }).secrets;
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
      const schema = `sluice_secrets_${randomBytes(6).toString('hex')}`;
      const url = new URL(PG_BASE_URL);
      url.searchParams.set('schema', schema);
      const query = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
        const client = new pg.Client({ connectionString: PG_BASE_URL });
        await client.connect();
        try {
          return (await client.query<T>(sql, params)).rows;
        } finally {
          await client.end();
        }
      };
      return {
        env: { DATABASE_URL: url.toString() },
        rawSecrets: async (clusterId) => (await query<{ secrets: string }>(`SELECT secrets FROM "${schema}"."Cluster" WHERE id = $1`, [clusterId]))[0]!.secrets,
        cleanup: async () => void (await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
      };
    },
  },
];

describe.each(targets)('cluster secrets on $name', (target) => {
  let database: TestDatabase;
  let db: Db;
  const key = new SecretKey(randomBytes(32));

  beforeAll(async () => {
    database = await target.create();
    await migrateDatabase({ env: database.env });
    db = createDb({ env: database.env });
  }, CLI_TIMEOUT_MS);

  afterAll(async () => {
    await db?.$disconnect();
    await database?.cleanup();
  });

  const newCluster = (name: string) => db.cluster.create({ data: { name: `${name}-${randomBytes(3).toString('hex')}`, kind: 'kafka', config: '{"brokers":["k:9092"]}' } });

  it('stores ciphertext only, decrypts for the connector, and shows clients hasSecrets', async () => {
    const cluster = await newCluster('prod');
    expect(clusterSecretsView(cluster)).toEqual({ hasSecrets: false });
    const secrets = { sasl: { mechanism: 'scram-sha-512', username: 'svc-sluice', password: 'Pa55-word-9f1c' }, managementPassword: 'mgmt-7e2d' };
    expect(await setClusterSecrets(cluster.id, secrets, { db, key })).toEqual({ hasSecrets: true });

    const raw = await database.rawSecrets(cluster.id);
    expect(raw).toMatch(new RegExp(`^v1:${key.id}:`));
    for (const plain of ['Pa55-word-9f1c', 'mgmt-7e2d', 'svc-sluice', 'scram', 'password']) expect(raw).not.toContain(plain);
    expect(await readClusterSecrets(cluster.id, { db, key })).toEqual(secrets);

    const row = await db.cluster.findUniqueOrThrow({ where: { id: cluster.id } });
    expect(clusterSecretsView(row)).toEqual({ hasSecrets: true });
    expect(row.config).toBe('{"brokers":["k:9092"]}');
  });

  it('clears with null or {}, and replaces rather than merges', async () => {
    const cluster = await newCluster('clear');
    await setClusterSecrets(cluster.id, { password: 'a', token: 'b' }, { db, key });
    await setClusterSecrets(cluster.id, { password: 'c' }, { db, key });
    expect(await readClusterSecrets(cluster.id, { db, key })).toEqual({ password: 'c' });
    expect(await setClusterSecrets(cluster.id, {}, { db, key })).toEqual({ hasSecrets: false });
    expect(await database.rawSecrets(cluster.id)).toBe('');
    await setClusterSecrets(cluster.id, { password: 'd' }, { db, key });
    await setClusterSecrets(cluster.id, null, { db, key });
    expect(await database.rawSecrets(cluster.id)).toBe('');
    expect(await readClusterSecrets(cluster.id, { db, key })).toEqual({});
  });

  it('does not decrypt a ciphertext copied to another cluster, or under another key', async () => {
    const a = await newCluster('a');
    const b = await newCluster('b');
    await setClusterSecrets(a.id, { password: 'only-for-a' }, { db, key });
    await db.cluster.update({ where: { id: b.id }, data: { secrets: await database.rawSecrets(a.id) } });
    await expect(readClusterSecrets(b.id, { db, key })).rejects.toSatisfy((e) => isSluiceError(e, 'SECRET_UNREADABLE') && e.details['reason'] === 'tampered');
    await expect(readClusterSecrets(a.id, { db, key: new SecretKey(randomBytes(32)) })).rejects.toSatisfy(
      (e) => isSluiceError(e, 'SECRET_UNREADABLE') && e.details['reason'] === 'other-key',
    );
  });

  it('refuses an unknown cluster and a non-object, writing nothing', async () => {
    const cluster = await newCluster('bad-input');
    await setClusterSecrets(cluster.id, { password: 'kept' }, { db, key });
    const before = await database.rawSecrets(cluster.id);
    await expect(setClusterSecrets('no-such-cluster', { password: 'x' }, { db, key })).rejects.toSatisfy((e) => isSluiceError(e, 'UNKNOWN_CLUSTER'));
    await expect(readClusterSecrets('no-such-cluster', { db, key })).rejects.toSatisfy((e) => isSluiceError(e, 'UNKNOWN_CLUSTER'));
    for (const bad of [['password', 'x'], 'password', 42, { '': 'empty key' }]) {
      await expect(setClusterSecrets(cluster.id, bad as never, { db, key }), JSON.stringify(bad)).rejects.toThrow();
    }
    expect(await database.rawSecrets(cluster.id)).toBe(before);
  });
});
