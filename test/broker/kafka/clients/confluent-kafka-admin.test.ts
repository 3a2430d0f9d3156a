/**
 * python confluent-kafka AdminClient against the real broker: create_partitions grows a topic
 * (and a producer can then write to the new partitions), delete_topics removes it, and invalid
 * requests come back as per-topic errors that change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kafkaFor } from '../groups/helpers.js';
import { runOps } from './line-process.js';

interface AdminResult {
  create_partitions?: Record<string, string | null>;
  delete_topics?: Record<string, string | null>;
  topics: Record<string, number>;
}

let broker: TestBroker;
let bootstrap: string;

beforeAll(async () => {
  broker = await startTestBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
});

async function admin(args: Record<string, unknown>): Promise<AdminResult> {
  const p = runOps({ cmd: 'admin', bootstrap, ...args });
  const code = await p.exited;
  const last = p.lines.at(-1);
  if (code !== 0 || !last) throw new Error(`admin exited ${code}\n${p.stderr}`);
  return last as unknown as AdminResult;
}

async function createTopic(topic: string, partitions: number): Promise<void> {
  const a = kafkaFor(broker.port).admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await a.disconnect();
}

describe('python confluent-kafka AdminClient', () => {
  it('create_partitions grows a topic to 5 partitions, then the new ones take writes', async () => {
    const topic = `ck-grow-${Date.now()}`;
    await createTopic(topic, 2);
    const grown = await admin({ create_partitions: { [topic]: 5 } });
    expect(grown.create_partitions).toEqual({ [topic]: null });
    expect(grown.topics[topic]).toBe(5);
    expect(broker.store.getTopic(topic)?.partitions).toBe(5);

    const producer = kafkaFor(broker.port).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ partition: 4, value: 'on a new partition' }] });
    await producer.disconnect();
    expect(broker.store.offsets(topic, 4).logEndOffset).toBe(1);
  }, 60_000);

  it('create_partitions that would shrink the topic is refused and the topic is unchanged', async () => {
    const topic = `ck-shrink-${Date.now()}`;
    await createTopic(topic, 3);
    const refused = await admin({ create_partitions: { [topic]: 2 } });
    expect(refused.create_partitions?.[topic]).toMatch(/INVALID_PARTITIONS|partition/i);
    expect(refused.topics[topic]).toBe(3);
  }, 60_000);

  it('delete_topics removes a topic; deleting an unknown topic is a per-topic error', async () => {
    const topic = `ck-delete-${Date.now()}`;
    const missing = `ck-missing-${Date.now()}`;
    await createTopic(topic, 2);
    const deleted = await admin({ delete_topics: [topic, missing] });
    expect(deleted.delete_topics?.[topic]).toBeNull();
    expect(deleted.delete_topics?.[missing]).toMatch(/UNKNOWN_TOPIC|unknown/i);
    expect(deleted.topics[topic]).toBeUndefined();
    expect(broker.store.getTopic(topic)).toBeUndefined();
  }, 60_000);
});
