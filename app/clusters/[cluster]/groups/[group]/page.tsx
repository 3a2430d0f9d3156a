import Link from 'next/link';
import { requireSession } from '../../../../../server/auth/page-session.js';
import { groupDetail } from '../../../../../server/console/reads.js';
import { paths, segment } from '../../../../../lib/format.js';
import { GroupView } from './group-view';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ group: string }> }) {
  return { title: `Group ${segment((await params).group)}` };
}

export default async function GroupPage({ params }: { params: Promise<{ cluster: string; group: string }> }) {
  const p = await params;
  const cluster = segment(p.cluster);
  const group = segment(p.group);
  await requireSession(paths.group(cluster, group));
  const detail = await groupDetail(cluster, group);
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted" style={{ fontSize: 13 }}>
        <Link href={paths.groups(cluster)}>Consumer groups</Link> / {group}
      </nav>
      <GroupView cluster={cluster} initial={detail} />
    </>
  );
}
