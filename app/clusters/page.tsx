import { redirect } from 'next/navigation';
import { requireSession } from '../../server/auth/page-session.js';
import { clusterChoices } from '../../server/console/clusters.js';
import { paths } from '../../lib/format.js';

export const dynamic = 'force-dynamic';

/** `/clusters` goes to the default (built-in) cluster's topics. */
export default async function ClustersIndex() {
  await requireSession('/clusters');
  const [first] = await clusterChoices();
  redirect(paths.topics(first?.name ?? 'built-in'));
}
