/**
 * The cluster overview: health, counts, traffic totals and the most lagging groups, read in one
 * go for the REST API (GET …/overview) and the console's first paint.
 */
import type { ClusterConnector, ClusterHealth, GroupSummary, TrafficTotals } from '../../broker/control/connectors/index.js';

/** How many groups the overview lists, worst lag first. */
export const LAGGING_GROUPS = 5;

export interface ClusterOverview {
  health: ClusterHealth;
  counts: {
    topics: number;
    partitions: number;
    /** null where the cluster has no consumer groups (capabilities.groups unsupported). */
    groups: number | null;
    /** null where the cluster has no queue subscriptions (capabilities.queues unsupported). */
    subscriptions: number | null;
  };
  /** Cumulative counters; null when the backend cannot tell. */
  traffic: TrafficTotals | null;
  /** Groups with a known lag above zero, largest first. */
  laggingGroups: Pick<GroupSummary, 'groupId' | 'state' | 'totalLag'>[];
}

export async function readOverview(c: ClusterConnector): Promise<ClusterOverview> {
  const groupsOn = c.capabilities.groups.supported;
  const queuesOn = c.capabilities.queues.supported;
  const [health, info, traffic, lagging, subscriptions] = await Promise.all([
    c.health(),
    c.clusterInfo(),
    c.trafficTotals(),
    groupsOn ? c.listGroups({ sort: 'lag', order: 'desc', limit: LAGGING_GROUPS }) : null,
    queuesOn ? c.listQueueSubscriptions() : null,
  ]);
  return {
    health,
    counts: { topics: info.topics, partitions: info.partitions, groups: lagging?.total ?? null, subscriptions: subscriptions?.length ?? null },
    traffic,
    laggingGroups: (lagging?.items ?? [])
      .filter((g) => (g.totalLag ?? 0) > 0)
      .map(({ groupId, state, totalLag }) => ({ groupId, state, totalLag })),
  };
}
