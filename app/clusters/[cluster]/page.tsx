import { requireSession } from '../../../server/auth/page-session.js';
import { clusterOverview } from '../../../server/console/reads.js';
import { paths, segment } from '../../../lib/format.js';
import { LiveOverview } from './overview/live-overview';

export const dynamic = 'force-dynamic';

export default async function ClusterOverviewPage({ params }: { params: Promise<{ cluster: string }> }) {
  const { cluster } = await params;
  const name = segment(cluster);
  await requireSession(paths.cluster(name));
  const { info, overview } = await clusterOverview(name);
  return <LiveOverview cluster={name} about={{ kind: info.kind, version: info.version, nodes: info.nodes, bytesOnDisk: info.bytesOnDisk }} initial={overview} />;
}
