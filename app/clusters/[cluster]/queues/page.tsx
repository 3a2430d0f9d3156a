import { requireSession } from '../../../../server/auth/page-session.js';
import { queueSubscriptions } from '../../../../server/console/reads.js';
import { paths, segment } from '../../../../lib/format.js';
import { QueuesView } from './queues-view';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Queues' };

export default async function QueuesPage({ params }: { params: Promise<{ cluster: string }> }) {
  const cluster = segment((await params).cluster);
  await requireSession(`${paths.cluster(cluster)}/queues`);
  const first = await queueSubscriptions(cluster);
  return (
    <>
      <div className="page-head">
        <h1>Queues</h1>
        <p className="muted">
          Queue subscriptions on {cluster}: messages ready, leased, waiting for redelivery, dead-lettered and expired.
        </p>
      </div>
      {first.items === null ? (
        <div className="panel" data-testid="queues-unsupported">
          <p className="muted">This cluster has no queue subscriptions: {first.unsupported}</p>
        </div>
      ) : (
        <QueuesView cluster={cluster} initial={first.items} />
      )}
    </>
  );
}
