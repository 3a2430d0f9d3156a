/**
 * Two kcat -G processes (librdkafka's balanced consumer) in one group: a rebalance when the
 * second joins (both own a share), and when one is SIGKILLed (no LeaveGroup) the survivor is
 * given every partition after the session timeout and consumes what the dead one left. kcat
 * auto-commits every few seconds, so messages after the dead member's last commit come again:
 * the check is that nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kafkaFor } from '../groups/helpers.js';
import { requireKcat } from './kcat.js';
import { spawnKcatMember, type KcatMember } from './kcat-member.js';
import { waitFor } from './line-process.js';

let broker: TestBroker;
const members: KcatMember[] = [];

beforeAll(async () => {
  requireKcat();
  broker = await startTestBroker();
});
afterAll(async () => {
  for (const m of members) m.kill();
  await broker?.close();
});

function member(group: string, topic: string): KcatMember {
  const m = spawnKcatMember(broker.port, group, topic);
  members.push(m);
  return m;
}

async function produce(topic: string, from: number, to: number): Promise<void> {
  const producer = kafkaFor(broker.port).producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: to - from }, (_, i) => ({ partition: (from + i) % 4, key: `k${from + i}`, value: `m${from + i}` })) });
  await producer.disconnect();
}

describe('kcat -G, two members', () => {
  it('rebalances on join and after one is SIGKILLed; the survivor consumes every partition, nothing lost', async () => {
    const topic = `kcat-group-${Date.now()}`;
    const group = `${topic}-g`;
    const admin = kafkaFor(broker.port).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    await admin.disconnect();

    const a = member(group, topic);
    await waitFor('first member owns all 4 partitions', () => a.assignment()?.length === 4, 60_000);
    const b = member(group, topic);
    await waitFor('rebalance on join splits the partitions', () => {
      const [x, y] = [a.assignment() ?? [], b.assignment() ?? []];
      return x.length > 0 && y.length > 0 && x.length + y.length === 4 && new Set([...x, ...y]).size === 4;
    }, 60_000);

    await produce(topic, 0, 40);
    const seen = () => new Set([...a.messages(), ...b.messages()].map((m) => m.value));
    await waitFor('both members consumed the first 40', () => seen().size >= 40, 60_000);
    expect(a.messages().length).toBeGreaterThan(0);
    expect(b.messages().length).toBeGreaterThan(0);

    b.kill();
    await b.exited;
    await waitFor('survivor given every partition after the session timeout', () => a.assignment()?.length === 4, 60_000);

    await produce(topic, 40, 80);
    const isNew = (m: { value: string }) => Number(m.value.slice(1)) >= 40;
    await waitFor('survivor consumed the 40 new messages', () => new Set(a.messages().filter(isNew).map((m) => m.value)).size >= 40, 60_000);
    expect(seen().size).toBe(80);
    expect([...new Set(a.messages().filter(isNew).map((m) => m.partition))].sort()).toEqual([0, 1, 2, 3]);
  }, 180_000);
});
