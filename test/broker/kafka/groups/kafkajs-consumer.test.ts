/**
 * kafkajs 2.2.4 consumer groups against the real broker: FindCoordinator, JoinGroup (v4+ with
 * MEMBER_ID_REQUIRED), SyncGroup, Heartbeat, OffsetCommit/OffsetFetch, LeaveGroup — one
 * consumer, then a rebalance to two, then back to one.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { fastConsumer, ids, kafkaFor, recorder, waitFor, type Received } from './helpers.js';

let broker: TestBroker;
let kafka: Kafka;
const running: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  kafka = kafkaFor(broker.port);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.disconnect().catch(() => undefined)));
});
afterAll(async () => {
  await broker?.close();
});

async function produce(topic: string, from: number, count: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({ key: `key-${from + i}`, value: `value-${from + i}` })),
    });
  } finally {
    await producer.disconnect();
  }
}

type Assignment = Record<string, number[]>;

function trackJoins(consumer: Consumer): Assignment[] {
  const joins: Assignment[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => joins.push(e.payload.memberAssignment as Assignment));
  return joins;
}

async function committed(groupId: string, topic: string): Promise<number> {
  const r = broker.server.groups!.fetchOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0, 1, 2] }] });
  return r.topics[0]!.partitions.reduce((sum, p) => sum + Math.max(0, p.committedOffset), 0);
}

describe('kafkajs consumer group', () => {
  it('one consumer reads everything once; a second joins and partitions split; one leaves and the other takes all', async () => {
    const topic = 'kjs-group-orders';
    const groupId = `g-${Date.now()}-split`;
    await broker.store.createTopic(topic, 3);
    await produce(topic, 0, 30);

    const received: Received[] = [];
    const a = fastConsumer(kafka, groupId);
    running.push(a);
    const joinsA = trackJoins(a);
    await a.connect();
    await a.subscribe({ topic, fromBeginning: true });
    await a.run({ eachMessage: recorder('a', received) });

    await waitFor(() => received.length >= 30, 20_000, '30 messages');
    await waitFor(async () => (await committed(groupId, topic)) === 30, 10_000, 'offsets committed');
    expect(new Set(ids(received)).size).toBe(30);
    expect(received.map((r) => r.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `value-${i}`).sort());
    expect(joinsA.at(-1)).toEqual({ [topic]: [0, 1, 2] });

    // A second member: the group rebalances and the three partitions are split between the two.
    const b = fastConsumer(kafka, groupId);
    running.push(b);
    const joinsB = trackJoins(b);
    await b.connect();
    await b.subscribe({ topic, fromBeginning: true });
    await b.run({ eachMessage: recorder('b', received) });
    await waitFor(() => joinsB.length > 0 && joinsA.length > 1, 20_000, 'both members rejoined');
    const partsA = joinsA.at(-1)![topic] ?? [];
    const partsB = joinsB.at(-1)![topic] ?? [];
    expect(partsA.length).toBeGreaterThan(0);
    expect(partsB.length).toBeGreaterThan(0);
    expect([...partsA, ...partsB].sort()).toEqual([0, 1, 2]);
    expect(broker.server.groups!.groupState(groupId)).toBe('Stable');
    expect(broker.server.groups!.describeGroups([groupId])[0]!.members).toHaveLength(2);

    await produce(topic, 30, 30);
    await waitFor(() => received.length >= 60, 20_000, '60 messages');
    await waitFor(async () => (await committed(groupId, topic)) === 60, 10_000, 'offsets committed');
    expect(received).toHaveLength(60);
    expect(new Set(ids(received)).size).toBe(60);
    const second = received.slice(30);
    expect(second.map((r) => r.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `value-${30 + i}`).sort());
    // Each message went to the member that owns its partition.
    for (const r of second) expect((r.consumer === 'a' ? partsA : partsB).includes(r.partition)).toBe(true);

    // b leaves (LeaveGroup): a gets every partition back and consumes what follows.
    await b.disconnect();
    running.splice(running.indexOf(b), 1);
    await waitFor(() => (joinsA.at(-1)![topic] ?? []).length === 3, 20_000, 'a to own all partitions');
    expect(joinsA.at(-1)).toEqual({ [topic]: [0, 1, 2] });
    await produce(topic, 60, 15);
    await waitFor(() => received.length >= 75, 20_000, '75 messages');
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(75);
    expect(new Set(ids(received)).size).toBe(75);
    expect(received.slice(60).every((r) => r.consumer === 'a')).toBe(true);
  }, 60_000);
});
