/**
 * Reading the audit log: filters (actor, action, target, outcome, time range), newest first,
 * keyset-paginated by (at, id) so pages stay stable while new events are appended.
 */
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { auditOutcomeSchema, type AuditOutcome } from './record.js';

export const auditFilterSchema = z.object({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  /** Prefix match: `cluster/built-in/` finds everything done to that cluster. */
  target: z.string().min(1).max(500).optional(),
  outcome: auditOutcomeSchema.optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditEventView {
  id: string;
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  target: string;
  clusterId: string | null;
  params: unknown;
  outcome: AuditOutcome;
  error: string | null;
  ip: string | null;
}

type Row = Awaited<ReturnType<Db['auditEvent']['findFirstOrThrow']>>;

function toView(row: Row): AuditEventView {
  let params: unknown;
  try {
    params = JSON.parse(row.params);
  } catch {
    params = row.params;
  }
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actor,
    actorRole: row.actorRole,
    action: row.action,
    target: row.target,
    clusterId: row.clusterId,
    params,
    outcome: row.outcome as AuditOutcome,
    error: row.error,
    ip: row.ip,
  };
}

function where(filter: AuditFilter) {
  return {
    ...(filter.actor ? { actor: filter.actor } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.target ? { target: { startsWith: filter.target } } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
  };
}

/** Opaque cursor: the (at, id) of the last item of the previous page. */
export function encodeAuditCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } | null {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) return null;
    return { at: date, id };
  } catch {
    return null;
  }
}

export class InvalidCursorError extends Error {}

export async function queryAudit(
  db: Db,
  filter: AuditFilter,
  page: { limit: number; cursor?: string },
): Promise<{ items: AuditEventView[]; nextCursor: string | null }> {
  const after = page.cursor ? decodeCursor(page.cursor) : undefined;
  if (after === null) throw new InvalidCursorError('cursor is not one this API returned');
  const rows = await db.auditEvent.findMany({
    where: {
      AND: [
        where(filter),
        ...(after ? [{ OR: [{ at: { lt: after.at } }, { at: after.at, id: { lt: after.id } }] }] : []),
      ],
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
  });
  const items = rows.slice(0, page.limit).map(toView);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? encodeAuditCursor(last.at, last.id) : null };
}

/** Every matching event, newest first, in pages: for exports, without holding one huge query. */
export async function* iterateAudit(db: Db, filter: AuditFilter, pageSize = 500): AsyncGenerator<AuditEventView> {
  let cursor: string | undefined;
  for (;;) {
    const page = await queryAudit(db, filter, { limit: pageSize, cursor });
    yield* page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
