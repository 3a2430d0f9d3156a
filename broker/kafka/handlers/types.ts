import type { GroupCoordinator } from '../../groups/index.js';
import type { Logger } from '../../logger.js';
import type { LogStore } from '../../storage/types.js';
import type { ProducerIdAllocator } from '../producers/producer-ids.js';
import type { ProducerStateManager } from '../producers/producer-state.js';
import type { SaslService } from '../sasl/service.js';
import type { ApiDefinition, RequestOf, ResponseOf } from '../protocol/index.js';
import type { ConnectionInfo } from '../server/types.js';

/** What every Kafka API handler may use. One broker, node id 0, leader of every partition. */
export interface KafkaBrokerContext {
  store: LogStore;
  logger: Logger;
  nodeId: number;
  /** Stable per data dir (Kafka's cluster.id). */
  clusterId: string;
  /** Where clients are told to connect (SLUICE_KAFKA_ADVERTISED_HOST / SLUICE_KAFKA_PORT). */
  advertisedHost: string;
  advertisedPort: number;
  /** Metadata and Produce for an unknown topic create it (Kafka's auto.create.topics.enable). */
  autoCreateTopics: boolean;
  defaultPartitions: number;
  /** Resolves when the broker starts shutting down: long polls (Fetch) answer early. */
  shuttingDown: Promise<void>;
  /** The consumer-group coordinator (this node coordinates every group). */
  groups: GroupCoordinator;
  /** Idempotent-producer sequence state per partition (Produce with producerId >= 0). */
  producers: ProducerStateManager;
  /** InitProducerId's persisted id counter. */
  producerIds: ProducerIdAllocator;
  /** SASL mechanisms, credentials and per-connection sessions (disabled: no mechanisms). */
  sasl: SaslService;
}

export interface RequestContext {
  broker: KafkaBrokerContext;
  connection: ConnectionInfo;
  clientId: string | null;
  apiVersion: number;
}

/** One handler per Kafka API (broker/kafka/handlers/<api>.ts). Kafka error codes are values in
 * the response body; a throw means an internal fault and closes the connection. Returning null
 * sends no response (Produce with acks=0). */
export interface KafkaHandler<A extends ApiDefinition = ApiDefinition> {
  api: A;
  handle(request: RequestOf<A>, ctx: RequestContext): Promise<ResponseOf<A> | null> | ResponseOf<A> | null;
}

export function defineHandler<A extends ApiDefinition>(api: A, handle: KafkaHandler<A>['handle']): KafkaHandler<A> {
  return { api, handle };
}
