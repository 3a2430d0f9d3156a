/**
 * The process-wide client (`getDb`/`closeDb`), on SQLite. It reads `process.env`, so this file
 * sets SLUICE_DATA_DIR for its own (forked) worker process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, getDb } from '../../../server/db/client.js';
import { ensureBuiltinCluster, listClusters } from '../../../server/db/clusters.js';
import { migrateDatabase } from '../../../server/db/migrate.js';

describe('getDb / closeDb', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-getdb-'));
  const saved = { SLUICE_DATA_DIR: process.env.SLUICE_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

  beforeAll(async () => {
    process.env.SLUICE_DATA_DIR = join(dir, 'data');
    delete process.env.DATABASE_URL;
    await migrateDatabase();
  }, 120_000);

  afterAll(async () => {
    await closeDb();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns one client per process, kept on globalThis (survives module reloads)', async () => {
    const db = getDb();
    expect(getDb()).toBe(db);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('sluice.metadataDb')]).toBe(db);
    await ensureBuiltinCluster(db);
    expect((await listClusters(getDb())).map((c) => c.name)).toEqual(['built-in']);
  });

  it('closeDb disconnects it; the next getDb opens a new one on the same database', async () => {
    const before = getDb();
    await closeDb();
    await closeDb(); // a second close is a no-op
    const after = getDb();
    expect(after).not.toBe(before);
    expect(await after.cluster.count()).toBe(1);
  });
});
