/** Shared pieces of the connector contract suite: unique names, polling, kafkajs clients. */
import { Kafka, logLevel, type Consumer, type ConsumerConfig } from 'kafkajs';
import { expect } from 'vitest';
import { isConnectorError, type Capability, type ClusterConnector, type ConnectorErrorCode } from '../../../../broker/control/connectors/index.js';

let counter = 0;

/** A name no other test (or earlier run against the same cluster) uses. */
export function fresh(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${++counter}`;
}

export async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch {
      // not there yet (e.g. NOT_FOUND before a group exists)
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The promise rejects with a ConnectorError of this code (and, when given, a message matching). */
export async function expectCode(promise: Promise<unknown>, code: ConnectorErrorCode, message?: RegExp): Promise<void> {
  const err = await promise.then(
    (value) => {
      throw new Error(`expected ${code}, got a result: ${JSON.stringify(value)?.slice(0, 300)}`);
    },
    (e: unknown) => e,
  );
  if (!isConnectorError(err)) throw err;
  expect(err.code, err.message).toBe(code);
  if (message) expect(err.message).toMatch(message);
}

export function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'sluice-connector-contract', brokers, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/** Settings that keep rebalances quick (6 s is the smallest session timeout brokers accept). */
export function consumer(kafka: Kafka, groupId: string, extra: Partial<ConsumerConfig> = {}): Consumer {
  return kafka.consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 100,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
    ...extra,
  });
}

/** What differs between backends in the suite's own inputs (config names, topic kinds). */
export interface ContractProfile {
  /** Configs every topic the suite creates gets (RabbitMQ: `{ 'x-queue-type': 'stream' }`, so
   * its messages can be browsed). */
  topicConfigs: Record<string, string>;
  /** A numeric config the suite sets, previews and changes. */
  config: { name: string; initial: string; preview: string; changed: string };
  /** Another config and a value the backend must reject. */
  invalid: { name: string; value: string };
}

/** Kafka's names, which the built-in broker uses too. */
export const KAFKA_PROFILE: ContractProfile = {
  topicConfigs: {},
  config: { name: 'retention.ms', initial: '7200000', preview: '60000', changed: '3600000' },
  invalid: { name: 'max.message.bytes', value: 'lots' },
};

/** Lets the area modules reach the harness created in beforeAll. */
export interface ContractContext {
  readonly connector: ClusterConnector;
  readonly kafkaBrokers: string[] | null;
  readonly profile: ContractProfile;
  /** The backend's own queue API, for the queue-subscription test; null when it has none. */
  readonly queueDriver: QueueDriver | null;
  /** Whether topics may have more than one partition (else every `partitions` becomes 1). */
  readonly multiPartition: boolean;
  /** Creates a topic with the profile's configs plus `configs`; partitions capped by `multiPartition`. */
  createTopic(name: string, partitions?: number, configs?: Record<string, string>): Promise<unknown>;
}

/** Drives a backend's queue API directly (the connector only reads subscriptions). */
export interface QueueDriver {
  /** A subscription on an existing topic that dead-letters after `maxAttempts` deliveries. */
  createSubscription(topic: string, name: string, maxAttempts: number): Promise<void>;
  publish(topic: string, values: string[]): Promise<void>;
  /** Leases up to `max` messages and returns their receipts. */
  receive(topic: string, subscription: string, max: number): Promise<string[]>;
  nack(receipt: string): Promise<void>;
}

/** Runs `body` when the capability is supported; otherwise checks `attempt` is refused as UNSUPPORTED. */
export async function whenSupported(cap: Capability, attempt: () => Promise<unknown>, body: () => Promise<void>): Promise<void> {
  if (cap.supported) return body();
  await expectCode(attempt(), 'UNSUPPORTED');
}
