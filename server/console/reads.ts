/** First-paint data for each console page, typed as the REST API returns it. */
import 'server-only';
import type { ClusterConnector } from '../../broker/control/connectors/index.js';
import { toApiPage } from '../clusters/cursor.js';
import { readOverview } from '../clusters/overview.js';
import { onCluster } from './clusters.js';

/** Rows per request of the topics list; the client fetches further pages as the user scrolls. */
export const TOPIC_PAGE_SIZE = 500;

export function topicsFirstPage(cluster: string) {
  return onCluster(cluster, async (c) =>
    toApiPage(await c.listTopics({ limit: TOPIC_PAGE_SIZE, offset: 0, sort: 'name', order: 'asc', includeInternal: false })),
  );
}

export function topicDetail(cluster: string, topic: string) {
  return onCluster(cluster, async (c) => {
    const [detail, configs] = await Promise.all([c.getTopic(topic), c.getTopicConfigs(topic)]);
    return { detail, configs, capabilities: c.capabilities };
  });
}

export function groupsFirstPage(cluster: string) {
  return onCluster(cluster, async (c) => toApiPage(await c.listGroups({ limit: 500, offset: 0, sort: 'name', order: 'asc' })));
}

export function groupDetail(cluster: string, group: string) {
  return onCluster(cluster, (c) => c.getGroup(group));
}

/** Subscriptions, or null where the cluster has none (Kafka: consumer groups instead), with why. */
export function queueSubscriptions(cluster: string) {
  return onCluster(cluster, async (c) => {
    const cap = c.capabilities.queues;
    if (!cap.supported) return { items: null, unsupported: cap.reason };
    return { items: await c.listQueueSubscriptions(), unsupported: null };
  });
}

export function clusterOverview(cluster: string) {
  return onCluster(cluster, async (c: ClusterConnector, record) => {
    const [info, overview] = await Promise.all([c.clusterInfo(), readOverview(c)]);
    return { record, info, health: overview.health, overview };
  });
}
