/**
 * Helpers for the @platformatic/kafka tests: string-typed clients bound to a test broker, and a
 * consumer stream recorder. Clients use retries so transient rebalance errors are retried the way
 * applications run them, never hidden: every test asserts exactly what arrived.
 */
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';

export type StringMessage = Message<string, string, string, string>;
export type StringStream = MessagesStream<string, string, string, string>;

const base = (port: number, clientId: string) => ({ clientId, bootstrapBrokers: [`127.0.0.1:${port}`], retries: 5, retryDelay: 200 });

export function pltAdmin(port: number): Admin {
  return new Admin(base(port, 'plt-admin'));
}

export function pltProducer(port: number, options: { idempotent?: boolean } = {}): Producer<string, string, string, string> {
  return new Producer({ ...base(port, 'plt-producer'), serializers: stringSerializers, autocreateTopics: false, ...options });
}

export function pltConsumer(port: number, groupId: string, clientId = 'plt-consumer'): Consumer<string, string, string, string> {
  return new Consumer({
    ...base(port, clientId),
    groupId,
    deserializers: stringDeserializers,
    // Short timings keep rebalances quick on a loaded machine without racing them.
    sessionTimeout: 10_000,
    rebalanceTimeout: 15_000,
    heartbeatInterval: 500,
    maxWaitTime: 500,
  });
}

/** Collects every message of a stream as it arrives. */
export function record(stream: StringStream, into: StringMessage[] = []): StringMessage[] {
  stream.on('data', (m: StringMessage) => into.push(m));
  return into;
}

/** Polls until `check` holds (or throws after `timeoutMs`, saying what was awaited). */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A topic name no other test (or earlier run) uses. */
export function freshTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Closes a consumer even with streams still open (force), whatever state a failed test left. */
export function closeConsumer(consumer: Consumer<string, string, string, string>): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}
