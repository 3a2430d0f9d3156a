/**
 * The broker-agnostic cluster connector: everything the console does to a cluster goes through
 * this, so pages, the REST API and jobs work the same on the built-in broker, an attached Kafka
 * cluster and an attached RabbitMQ broker. See docs/connectors.md for how each operation maps
 * onto each backend and what a backend cannot do.
 *
 * Rules every implementation keeps (the contract suite in test/broker/control/connectors checks
 * them):
 * - Requests are validated with the zod schemas in ./types; bad input is ConnectorError INVALID
 *   and changes nothing.
 * - Unknown topics, partitions and groups are NOT_FOUND; an operation the backend cannot do is
 *   UNSUPPORTED (and `capabilities` says so beforehand); an unreachable cluster is UNAVAILABLE
 *   with the cluster's name in the message.
 * - Reads are bounded: browse by `limit`, search by its scan budget.
 */
import type { ClusterHealth, ClusterInfo, ConnectorKind, NodeInfo } from './types/cluster.js';
import type { Capability, Page } from './types/common.js';
import type { GroupDetail, GroupListQuery, GroupSummary, ResetOffsetsRequest, ResetOffsetsResult } from './types/groups.js';
import type { BrowseQuery, BrowseResult, ProduceRequest, ProduceResult, SearchQuery, SearchResult } from './types/messages.js';
import type { QueueSubscription } from './types/queues.js';
import type { AlterConfigsRequest, ConfigEntry, CreateTopicRequest, TopicDetail, TopicListQuery, TopicSummary } from './types/topics.js';

export interface ConnectorCapabilities {
  nodes: Capability;
  createTopic: Capability;
  deleteTopic: Capability;
  addPartitions: Capability;
  alterConfigs: Capability;
  /** Reading messages without taking them from consumers. */
  browse: Capability;
  seekByTimestamp: Capability;
  search: Capability;
  produce: Capability;
  /** Producing with a codec other than `none` (RabbitMQ stores bodies as sent). */
  compression: Capability;
  groups: Capability;
  resetOffsets: Capability;
  deleteGroup: Capability;
  queues: Capability;
}

/** Cumulative traffic counters of a cluster; rates come from the difference of two readings. */
export interface TrafficTotals {
  /** Epoch ms of the reading. */
  at: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface ClusterOperations {
  clusterInfo(): Promise<ClusterInfo>;
  /** Traffic since the counters started, or null when the backend cannot tell (docs/connectors.md
   * says what Kafka and RabbitMQ could offer). Counters may restart (broker restart, deleted
   * topic): a reader computing rates treats a decrease as a restart, not negative traffic.
   * With `topic`, that topic's share only (NOT_FOUND for an unknown topic; null when the backend
   * counts per cluster only, never the cluster's totals passed off as the topic's). */
  trafficTotals(topic?: string): Promise<TrafficTotals | null>;
  /** Never throws for an unreachable cluster: that is `down` with the reason. */
  health(): Promise<ClusterHealth>;
  listNodes(): Promise<NodeInfo[]>;
}

export interface TopicOperations {
  listTopics(query?: TopicListQuery): Promise<Page<TopicSummary>>;
  getTopic(name: string): Promise<TopicDetail>;
  getTopicConfigs(name: string): Promise<ConfigEntry[]>;
  createTopic(request: CreateTopicRequest): Promise<TopicDetail>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, totalPartitions: number): Promise<TopicDetail>;
  /** Every change is validated before any is applied; returns the configs after the change (or,
   * with validateOnly, what they would be). */
  alterTopicConfigs(name: string, request: AlterConfigsRequest): Promise<ConfigEntry[]>;
}

export interface MessageOperations {
  browseMessages(query: BrowseQuery): Promise<BrowseResult>;
  searchMessages(query: SearchQuery): Promise<SearchResult>;
  produceMessage(request: ProduceRequest): Promise<ProduceResult>;
}

export interface GroupOperations {
  listGroups(query?: GroupListQuery): Promise<Page<GroupSummary>>;
  getGroup(groupId: string): Promise<GroupDetail>;
  /** Dry-run (the default) answers the plan in any group state; applying needs the group empty
   * (CONFLICT otherwise) and commits the offsets as a client commit would. */
  resetOffsets(request: ResetOffsetsRequest): Promise<ResetOffsetsResult>;
  /** CONFLICT while the group has members. */
  deleteGroup(groupId: string): Promise<void>;
}

export interface QueueOperations {
  listQueueSubscriptions(): Promise<QueueSubscription[]>;
}

export interface ClusterConnector extends ClusterOperations, TopicOperations, MessageOperations, GroupOperations, QueueOperations {
  readonly kind: ConnectorKind;
  /** The cluster's name as the console knows it; in every error it throws. */
  readonly name: string;
  readonly capabilities: ConnectorCapabilities;
  /** Releases connections (attached clusters); the built-in one leaves the broker running. */
  close(): Promise<void>;
}
