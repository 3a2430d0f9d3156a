/** Cluster info, health and nodes. */

export type ConnectorKind = 'builtin' | 'kafka' | 'rabbitmq';

export interface ClusterInfo {
  /** The connector's name for the cluster (what errors and the UI call it). */
  name: string;
  kind: ConnectorKind;
  /** Kafka cluster.id, RabbitMQ cluster_name; null when the backend has none. */
  clusterId: string | null;
  /** Backend product and version as the cluster reports it ("sluice 0.1.0", "RabbitMQ 3.13.7"). */
  version: string;
  /** Kafka's controller node id; null where the concept does not exist. */
  controllerId: number | null;
  nodes: number;
  topics: number;
  partitions: number;
  /** Bytes the cluster stores for topics/queues; null when the backend does not expose it. */
  bytesOnDisk: number | null;
}

export type HealthStatus = 'up' | 'degraded' | 'down';

export interface ClusterHealth {
  status: HealthStatus;
  /** Epoch ms of the check. */
  checkedAt: number;
  /** Round trip of the check, ms. */
  latencyMs: number;
  /** Why the cluster is not `up`; empty when it is. */
  problems: string[];
}

export interface NodeInfo {
  id: number;
  host: string;
  port: number;
  rack: string | null;
  isController: boolean;
  /** Bytes stored on this node; null when the backend does not report it. */
  bytesOnDisk: number | null;
}
