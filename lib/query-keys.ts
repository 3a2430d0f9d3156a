/**
 * TanStack Query key factories: every query key in the console is built here, so invalidating
 * "everything about the broker" is `queryClient.invalidateQueries({ queryKey: brokerKeys.all })`.
 */
export const brokerKeys = {
  all: ['broker'] as const,
  status: () => [...brokerKeys.all, 'status'] as const,
};

/** Everything the console reads about one cluster hangs under `clusterKeys.all(cluster)`. */
export const clusterKeys = {
  list: () => ['clusters'] as const,
  all: (cluster: string) => ['cluster', cluster] as const,
  overview: (cluster: string) => [...clusterKeys.all(cluster), 'overview'] as const,
  topics: (cluster: string) => [...clusterKeys.all(cluster), 'topics'] as const,
  topicList: (cluster: string, params: { search: string; sort: string; order: string }) =>
    [...clusterKeys.topics(cluster), 'list', params] as const,
  topic: (cluster: string, topic: string) => [...clusterKeys.topics(cluster), 'detail', topic] as const,
  topicConfigs: (cluster: string, topic: string) => [...clusterKeys.topic(cluster, topic), 'configs'] as const,
  topicTraffic: (cluster: string, topic: string) => [...clusterKeys.topic(cluster, topic), 'traffic'] as const,
  messages: (cluster: string, topic: string, params: unknown) => [...clusterKeys.topic(cluster, topic), 'messages', params] as const,
  groups: (cluster: string) => [...clusterKeys.all(cluster), 'groups'] as const,
  groupList: (cluster: string) => [...clusterKeys.groups(cluster), 'list'] as const,
  group: (cluster: string, group: string) => [...clusterKeys.groups(cluster), 'detail', group] as const,
  groupLag: (cluster: string, group: string, minutes: number) => [...clusterKeys.group(cluster, group), 'lag', minutes] as const,
  queues: (cluster: string) => [...clusterKeys.all(cluster), 'queues'] as const,
  queueList: (cluster: string) => [...clusterKeys.queues(cluster), 'list'] as const,
};
