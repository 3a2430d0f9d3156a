import { requireSession } from '../../../../server/auth/page-session.js';
import { topicsFirstPage } from '../../../../server/console/reads.js';
import { paths, segment } from '../../../../lib/format.js';
import { TopicsView } from './topics-view';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Topics' };

export default async function TopicsPage({ params }: { params: Promise<{ cluster: string }> }) {
  const cluster = segment((await params).cluster);
  await requireSession(paths.topics(cluster));
  const first = await topicsFirstPage(cluster);
  return (
    <>
      <div className="page-head">
        <h1>Topics</h1>
        <p className="muted">Every topic on {cluster}. Sizes and counts come from the partitions&apos; watermarks.</p>
      </div>
      <TopicsView cluster={cluster} initial={first} />
    </>
  );
}
