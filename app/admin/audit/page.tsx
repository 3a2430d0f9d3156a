import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { auditFilterSchema, type AuditFilter } from '../../../server/audit/query.js';
import { adminPageAccess } from '../../../server/console/admin/access.js';
import { loadAuditPage } from '../../../server/console/admin/data.js';
import { AdminTabs } from '../admin-tabs';
import { AuditPanel } from './audit-panel';
import type { AuditFilterValues } from './audit-api';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Record<string, string | string[] | undefined>;

/** The filters in the URL, so a filtered view can be bookmarked or shared; invalid ones are reported, not guessed. */
function readFilter(params: SearchParams): { filter: AuditFilter; values: AuditFilterValues; problem: string | null } {
  const raw: Record<string, string> = {};
  for (const field of ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const) {
    const value = params[field];
    if (typeof value === 'string' && value !== '') raw[field] = value;
  }
  const parsed = auditFilterSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { filter: {}, values: {}, problem: `The filters in the address were ignored (${problem}).` };
  }
  const f = parsed.data;
  const values: AuditFilterValues = {
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.target ? { target: f.target } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.from ? { from: f.from.toISOString() } : {}),
    ...(f.to ? { to: f.to.toISOString() } : {}),
  };
  return { filter: f, values, problem: null };
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { session, allowed } = await adminPageAccess('audit');
  if (!allowed) forbidden(); // layout.tsx refuses first (with the 403 status); this keeps the page safe on its own
  const { filter, values, problem } = readFilter(await searchParams);
  const firstPage = await loadAuditPage(filter);
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
        <p className="muted">Every write through the console and the API, newest first. Secrets in parameters are redacted by the server.</p>
      </div>
      <AdminTabs role={session.role} current="audit" />
      <AuditPanel initialFilter={values} initialPage={firstPage} initialUpdatedAt={Date.now()} filterProblem={problem} />
    </>
  );
}
