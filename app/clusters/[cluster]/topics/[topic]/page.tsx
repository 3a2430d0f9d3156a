import Link from 'next/link';
import { requireSession } from '../../../../../server/auth/page-session.js';
import { topicDetail } from '../../../../../server/console/reads.js';
import { paths, segment } from '../../../../../lib/format.js';
import { TopicView } from './topic-view';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ topic: string }> }) {
  return { title: segment((await params).topic) };
}

export default async function TopicPage({ params }: { params: Promise<{ cluster: string; topic: string }> }) {
  const p = await params;
  const cluster = segment(p.cluster);
  const topic = segment(p.topic);
  await requireSession(paths.topic(cluster, topic));
  const { detail, configs, capabilities } = await topicDetail(cluster, topic);
  return (
    <>
      <nav aria-label="Breadcrumb" className="muted" style={{ fontSize: 13 }}>
        <Link href={paths.topics(cluster)}>Topics</Link> / {topic}
      </nav>
      <TopicView
        cluster={cluster}
        initial={detail}
        initialConfigs={configs}
        searchSupported={capabilities.search.supported}
        timestampSupported={capabilities.seekByTimestamp.supported}
      />
    </>
  );
}
