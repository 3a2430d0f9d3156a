import Link from 'next/link';
import { requireSession } from '../../../server/auth/page-session.js';
import { clusterOverview } from '../../../server/console/reads.js';
import { formatBytes, formatCount, paths, segment } from '../../../lib/format.js';

export const dynamic = 'force-dynamic';

export default async function ClusterOverviewPage({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const name = segment(cluster);
  await requireSession(paths.cluster(name));
  const { info, health } = await clusterOverview(name);
  return (
    <>
      <div className="page-head">
        <h1>{name}</h1>
        <p className="muted">
          {info.kind} cluster · version {info.version} · health <strong data-testid="cluster-health">{health.status}</strong> ({health.latencyMs} ms)
        </p>
      </div>
      {health.problems.length > 0 && <p className="warn">{health.problems.join('; ')}</p>}
      <div className="cards" style={{ marginTop: 20 }}>
        <div className="card">
          <h2>Topics</h2>
          <div className="value">{formatCount(info.topics)}</div>
          <Link href={paths.topics(name)}>Browse topics</Link>
        </div>
        <div className="card">
          <h2>Partitions</h2>
          <div className="value">{formatCount(info.partitions)}</div>
        </div>
        <div className="card">
          <h2>Nodes</h2>
          <div className="value">{formatCount(info.nodes)}</div>
        </div>
        <div className="card">
          <h2>On disk</h2>
          <div className="value">{formatBytes(info.bytesOnDisk)}</div>
        </div>
      </div>
      <p className="muted" style={{ marginTop: 20 }}>
        See <Link href={paths.groups(name)}>consumer groups</Link> for lag, or <Link href="/">the built-in broker&apos;s status</Link>.
      </p>
    </>
  );
}
