import { requireSession } from '../../../../server/auth/page-session.js';
import { groupsFirstPage } from '../../../../server/console/reads.js';
import { paths, segment } from '../../../../lib/format.js';
import { GroupsView } from './groups-view';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Consumer groups' };

export default async function GroupsPage({ params }: { params: Promise<{ cluster: string }> }) {
  const cluster = segment((await params).cluster);
  await requireSession(paths.groups(cluster));
  const first = await groupsFirstPage(cluster);
  return (
    <>
      <div className="page-head">
        <h1>Consumer groups</h1>
        <p className="muted">State, members and total lag (messages behind the end of each partition) of every group on {cluster}.</p>
      </div>
      <GroupsView cluster={cluster} initial={first.items} />
    </>
  );
}
