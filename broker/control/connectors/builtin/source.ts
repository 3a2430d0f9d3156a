/**
 * What the built-in connector reads from the running broker: the log store, the group
 * coordinator and the Kafka listener's identity. Two ways to get one: from the process-wide
 * broker (broker/runtime.ts) or from a store plus Kafka server (tests, embedding).
 */
import packageJson from '../../../../package.json' with { type: 'json' };
import type { GroupCoordinator } from '../../../groups/index.js';
import type { KafkaServer } from '../../../kafka/kafka-server.js';
import type { QueueEngine } from '../../../queues/index.js';
import type { Broker } from '../../../runtime.js';
import type { LogStore } from '../../../storage/types.js';

export interface BuiltinSource {
  readonly store: LogStore;
  /** null while the Kafka server is not running (SLUICE_KAFKA_ENABLED=false): no groups then. */
  groups(): GroupCoordinator | null;
  /** The queue engine; null while it is not running (then no queue subscriptions). */
  queues(): QueueEngine | null;
  clusterId(): string | null;
  /** Where Kafka clients connect, or null when the listener is not up. */
  advertised(): { host: string; port: number } | null;
  /** False once the broker is stopping: operations answer UNAVAILABLE. */
  running(): boolean;
  readonly version: string;
}

export function sourceFromBroker(broker: Broker): BuiltinSource {
  return {
    store: broker.store,
    groups: () => broker.kafka?.groups ?? null,
    queues: () => broker.queues,
    clusterId: () => broker.kafka?.clusterId ?? null,
    advertised: () => {
      const bound = broker.kafka?.address();
      return bound ? { host: broker.config.kafka.advertisedHost, port: bound.port } : null;
    },
    running: () => broker.state === 'running',
    version: packageJson.version,
  };
}

export interface ServerSourceOptions {
  /** Host Kafka clients are told to use; default 127.0.0.1. */
  advertisedHost?: string;
  /** Whether the embedding code still runs the broker. LogStore has no open/closed accessor, so
   * without this a closed store is only noticed by the operations that touch partitions
   * (they fail STORE_CLOSED → UNAVAILABLE). Default: always running. */
  running?: () => boolean;
  /** The queue engine the embedding code runs over the same store; default none. */
  queues?: QueueEngine | null;
}

export function sourceFromServer(store: LogStore, server: KafkaServer | null, options: ServerSourceOptions = {}): BuiltinSource {
  const advertisedHost = options.advertisedHost ?? '127.0.0.1';
  return {
    store,
    groups: () => server?.groups ?? null,
    queues: () => options.queues ?? null,
    clusterId: () => server?.clusterId ?? null,
    advertised: () => {
      const bound = server?.address();
      return bound ? { host: advertisedHost, port: bound.port } : null;
    },
    running: options.running ?? (() => true),
    version: packageJson.version,
  };
}
