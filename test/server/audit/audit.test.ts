/** The audit log on a real SQLite database: redaction, filters, keyset pages, CSV/JSON export. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, exportStream } from '../../../server/audit/export.js';
import { iterateAudit, queryAudit } from '../../../server/audit/query.js';
import { recordAudit } from '../../../server/audit/record.js';
import { REDACTED, redactSecrets } from '../../../server/audit/redact.js';
import type { Db } from '../../../server/db/client.js';
import { freshSqliteDb, type TestDb } from '../auth/test-db.js';

let t: TestDb;
let db: Db;
const base = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  t = await freshSqliteDb();
  db = t.db;
  for (let i = 0; i < 25; i++) {
    await recordAudit(db, {
      at: new Date(base + i * 1000),
      actor: i % 2 ? 'alice' : 'bob',
      actorRole: 'operator',
      action: i % 5 === 0 ? 'topic.delete' : 'topic.create',
      target: `cluster/built-in/topic/t${i}`,
      params: { name: `t${i}`, config: { 'sasl.password': 'hunter2', partitions: 3 } },
      outcome: i % 7 === 0 ? 'failure' : 'success',
      error: i % 7 === 0 ? 'boom' : null,
      ip: '127.0.0.1',
    });
  }
}, 300_000);
afterAll(async () => t?.cleanup());

describe('redaction', () => {
  it('replaces values under secret-looking keys at every depth, keeps the rest', () => {
    const out = redactSecrets({
      password: 'p',
      user: { apiToken: 't', name: 'n', list: [{ clientSecret: 's', ok: 1 }] },
      'sasl.jaas.config': 'x',
      ssl_key: 'k',
      partitions: 3,
    });
    expect(out).toEqual({
      password: REDACTED,
      user: { apiToken: REDACTED, name: 'n', list: [{ clientSecret: REDACTED, ok: 1 }] },
      'sasl.jaas.config': REDACTED,
      ssl_key: REDACTED,
      partitions: 3,
    });
  });

  it('recordAudit stores redacted params', async () => {
    const row = await db.auditEvent.findFirstOrThrow({ where: { target: 'cluster/built-in/topic/t3' } });
    expect(row.params).not.toContain('hunter2');
    expect(JSON.parse(row.params)).toEqual({ name: 't3', config: { 'sasl.password': REDACTED, partitions: 3 } });
  });
});

describe('query', () => {
  it('filters by actor, action, target prefix, outcome and time range, newest first', async () => {
    const byAlice = await queryAudit(db, { actor: 'alice' }, { limit: 100 });
    expect(byAlice.items).toHaveLength(12);
    expect(byAlice.items.every((e) => e.actor === 'alice')).toBe(true);
    expect(byAlice.items[0]!.at > byAlice.items[1]!.at).toBe(true);
    expect((await queryAudit(db, { action: 'topic.delete' }, { limit: 100 })).items).toHaveLength(5);
    expect((await queryAudit(db, { outcome: 'failure' }, { limit: 100 })).items.map((e) => e.target)).toEqual(
      [21, 14, 7, 0].map((i) => `cluster/built-in/topic/t${i}`),
    );
    expect((await queryAudit(db, { target: 'cluster/built-in/topic/t2' }, { limit: 100 })).items.map((e) => e.target).sort()).toEqual(
      ['t2', 't20', 't21', 't22', 't23', 't24'].map((n) => `cluster/built-in/topic/${n}`),
    );
    const ranged = await queryAudit(db, { from: new Date(base + 10_000), to: new Date(base + 13_000) }, { limit: 100 });
    expect(ranged.items.map((e) => e.target)).toEqual([12, 11, 10].map((i) => `cluster/built-in/topic/t${i}`));
  });

  it('pages with a cursor without gaps or repeats, even when events share a timestamp', async () => {
    const same = new Date(base + 100_000);
    for (let i = 0; i < 5; i++) await recordAudit(db, { at: same, actor: 'carol', action: 'x', outcome: 'success' });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await queryAudit(db, {}, { limit: 4, cursor });
      seen.push(...page.items.map((e) => e.id));
      pages++;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(pages).toBe(8);
    await expect(queryAudit(db, {}, { limit: 4, cursor: 'garbage' })).rejects.toThrow(/cursor/);
  });
});

describe('export', () => {
  it('quotes CSV cells per RFC 4180 and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('streams every matching event as CSV and as JSON', async () => {
    const csv = await new Response(exportStream(iterateAudit(db, { actor: 'bob' }, 3), 'csv')).text();
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,actor,actorRole,action,target,clusterId,outcome,error,ip,params');
    expect(lines).toHaveLength(14);
    expect(csv).not.toContain('hunter2');
    const json = JSON.parse(await new Response(exportStream(iterateAudit(db, { actor: 'bob' }, 3), 'json')).text()) as { actor: string }[];
    expect(json).toHaveLength(13);
    expect(json.every((e) => e.actor === 'bob')).toBe(true);
    expect(JSON.parse(await new Response(exportStream(iterateAudit(db, { actor: 'nobody' }), 'json')).text())).toEqual([]);
  });
});
