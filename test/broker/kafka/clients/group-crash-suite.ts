/**
 * Consumer-group members of any client library as real processes, SIGKILLed (no LeaveGroup, no
 * final commit), against the standalone broker process — one suite, run per client by
 * kafkajs-crash.test.ts, confluent-kafka-crash.test.ts and platformatic-crash.test.ts:
 * - a member that dies is evicted after its session timeout; the survivor takes its partitions
 *   and nothing is lost;
 * - the consumer and the broker both killed mid-stream resume, after both restart, exactly at the
 *   offsets the group had committed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killGroup, kafkaPortOf, runBroker, type BrokerProcess } from '../../broker-process.js';
import { kafkaFor } from '../groups/helpers.js';
import { waitFor, type Line, type LineProcess } from './line-process.js';

/**
 * @param label the client, for the describe block
 * @param prefix short name for temp dirs and topics
 * @param startMember starts one group member process printing JSON lines (see line-process.ts)
 */
export function groupCrashSuite(label: string, prefix: string, startMember: (port: number, group: string, topic: string) => LineProcess): void {
  const procs: LineProcess[] = [];
  const brokers: BrokerProcess[] = [];
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), `sluice-${prefix}-crash-`));
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) p.kill();
    for (const b of brokers.splice(0)) killGroup(b.child);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function startBroker(): Promise<{ broker: BrokerProcess; port: number }> {
    const broker = runBroker({ SLUICE_DATA_DIR: dataDir });
    brokers.push(broker);
    return { broker, port: await kafkaPortOf(broker) };
  }

  function member(port: number, group: string, topic: string): LineProcess {
    const p = startMember(port, group, topic);
    procs.push(p);
    return p;
  }

  async function createTopic(port: number, topic: string, partitions: number): Promise<void> {
    const admin = kafkaFor(port).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    await admin.disconnect();
  }

  async function produce(port: number, topic: string, from: number, to: number, partitions: number): Promise<void> {
    const producer = kafkaFor(port).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: to - from }, (_, i) => ({ partition: (from + i) % partitions, value: `m${from + i}` })) });
    await producer.disconnect();
  }

  const values = (lines: Line[]) => new Set(lines.map((l) => l.value as string));

  describe(`${label} group members SIGKILLed`, () => {
    it('a dead member is evicted after its session timeout and the survivor consumes its partitions', async () => {
      const { port } = await startBroker();
      const topic = `${prefix}-die-${Date.now()}`;
      const group = `${topic}-g`;
      await createTopic(port, topic, 4);

      const a = member(port, group, topic);
      await waitFor('first member owns all 4 partitions', () => a.lastAssignment()?.length === 4, 60_000, a);
      const b = member(port, group, topic);
      // Rebalance on join: both members own a share.
      await waitFor('the two members split the partitions', () => {
        const [x, y] = [a.lastAssignment() ?? [], b.lastAssignment() ?? []];
        return x.length > 0 && y.length > 0 && x.length + y.length === 4;
      }, 60_000, b);

      await produce(port, topic, 0, 40, 4);
      await waitFor('40 messages consumed by the pair', () => values([...a.events('message'), ...b.events('message')]).size >= 40, 60_000);
      expect(b.events('message').length).toBeGreaterThan(0);

      b.kill();
      await b.exited;
      await waitFor('survivor reassigned every partition after the session timeout', () => a.lastAssignment()?.length === 4, 60_000, a);

      await produce(port, topic, 40, 80, 4);
      const isNew = (l: Line) => Number((l.value as string).slice(1)) >= 40;
      await waitFor('survivor consumed the 40 new messages', () => values(a.events('message').filter(isNew)).size >= 40, 60_000, a);

      expect(values([...a.events('message'), ...b.events('message')]).size).toBe(80);
      expect([...new Set(a.events('message').filter(isNew).map((l) => l.partition))].sort()).toEqual([0, 1, 2, 3]);
    }, 180_000);

    it('consumer and broker both SIGKILLed mid-stream resume exactly at the committed offsets', async () => {
      let { broker, port } = await startBroker();
      const topic = `${prefix}-both-${Date.now()}`;
      const group = `${topic}-g`;
      await createTopic(port, topic, 3);
      await produce(port, topic, 0, 300, 3);

      const first = member(port, group, topic);
      await waitFor('consumer is mid-stream', () => first.events('message').length >= 60, 60_000, first);
      first.kill();
      killGroup(broker.child);
      await Promise.all([first.exited, broker.exited]);
      const before = first.events('message');
      expect(before.length).toBeLessThan(300);

      ({ broker, port } = await startBroker());
      const admin = kafkaFor(port).admin();
      await admin.connect();
      const committed = new Map((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
      await admin.disconnect();
      for (let p = 0; p < 3; p++) {
        const printed = before.filter((l) => l.partition === p).map((l) => l.offset as number);
        const fetched = first.events('fetched').filter((l) => l.partition === p).map((l) => l.offset as number);
        // Every printed message was committed first; at most the one being committed at the kill is ahead.
        expect(committed.get(p) ?? 0, `p${p}`).toBeGreaterThanOrEqual(printed.length ? Math.max(...printed) + 1 : 0);
        expect(committed.get(p) ?? 0, `p${p}`).toBeLessThanOrEqual(fetched.length ? Math.max(...fetched) + 1 : 0);
      }
      await produce(port, topic, 300, 330, 3);

      const second = member(port, group, topic);
      // A message fetched and committed but killed before its 'message' line was still handed to the app.
      const handed = first.events('fetched');
      await waitFor('every message delivered across the crash', () => values([...handed, ...second.events('message')]).size >= 330, 90_000, second);
      for (let p = 0; p < 3; p++) {
        const firstAfter = second.events('message').find((l) => l.partition === p);
        expect(firstAfter?.offset, `partition ${p} resumes at its committed offset`).toBe(committed.get(p) ?? 0);
      }
      // Nothing delivered twice except what was in flight (fetched, maybe not committed) at the kill.
      const again = second.events('message').filter((l) => values(handed).has(l.value as string));
      expect(again.length).toBeLessThanOrEqual(3);
    }, 240_000);
  });
}
