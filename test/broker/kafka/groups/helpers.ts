/** Shared pieces of the consumer-group client tests: kafkajs clients with small timeouts. */
import { Kafka, logLevel, type Consumer, type ConsumerConfig, type EachMessagePayload } from 'kafkajs';

export function kafkaFor(port: number, clientId = 'sluice-groups-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [`127.0.0.1:${port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** Consumer settings that keep rebalances fast (kafkajs's minimum session timeout is the broker's 6 s). */
export function fastConsumer(kafka: Kafka, groupId: string, extra: Partial<ConsumerConfig> = {}): Consumer {
  return kafka.consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    rebalanceTimeout: 10_000,
    maxWaitTimeInMs: 100,
    retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 },
    ...extra,
  });
}

export interface Received {
  consumer: string;
  topic: string;
  partition: number;
  offset: number;
  key: string;
  value: string;
}

export function recorder(name: string, into: Received[]): (p: EachMessagePayload) => Promise<void> {
  return async ({ topic, partition, message }) => {
    into.push({ consumer: name, topic, partition, offset: Number(message.offset), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** "partition:offset" of each message; duplicates show up as repeated ids. */
export function ids(received: Received[]): string[] {
  return received.map((r) => `${r.partition}:${r.offset}`);
}
