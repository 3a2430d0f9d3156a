/** First-paint data for each console page, typed as the REST API returns it. */
import 'server-only';
import type { ClusterConnector } from '../../broker/control/connectors/index.js';
import { toApiPage } from '../clusters/cursor.js';
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

export function clusterOverview(cluster: string) {
  return onCluster(cluster, async (c: ClusterConnector, record) => {
    const [info, health] = await Promise.all([c.clusterInfo(), c.health()]);
    return { record, info, health };
  });
}
