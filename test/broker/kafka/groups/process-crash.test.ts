/**
 * Consumer groups across process deaths, with real processes: the standalone broker
 * (`broker/main.ts`) and kafkajs consumers each in their own process, killed with SIGKILL.
 *
 * - A member that dies (no LeaveGroup) is evicted when its session times out; the survivor is
 *   given every partition and consumes what the dead one left, nothing lost.
 * - The consumer and the broker both killed mid-stream: after a restart of both, the group
 *   resumes exactly at the committed offsets (nothing skipped) and every message is delivered;
 *   only messages after the last commit may come twice.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerProcess, killGroup, kafkaPortOf, ROOT, runBroker, TSX } from '../../broker-process.js';
import { kafkaFor, waitFor } from './helpers.js';

interface Line {
  event: 'assigned' | 'message';
  partitions?: number[];
  partition?: number;
  offset?: string;
  value?: string;
}

class ConsumerProcess {
  readonly lines: Line[] = [];
  private buf = '';
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buf += chunk;
      const complete = this.buf.slice(0, this.buf.lastIndexOf('\n') + 1);
      this.buf = this.buf.slice(complete.length);
      for (const raw of complete.split('\n')) if (raw.startsWith('{')) this.lines.push(JSON.parse(raw) as Line);
    });
    child.stderr.setEncoding('utf8').on('data', () => {});
    this.exited = new Promise((r) => child.on('exit', () => r()));
  }
  messages(): Line[] {
    return this.lines.filter((l) => l.event === 'message');
  }
  lastAssignment(): number[] | undefined {
    return this.lines.filter((l) => l.event === 'assigned').at(-1)?.partitions;
  }
}

function startConsumer(port: number, group: string, topic: string): ConsumerProcess {
  const child = spawn(TSX, [join('test', 'broker', 'kafka', 'groups', 'fixtures', 'consumer-process.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), GROUP: group, TOPIC: topic },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  }) as unknown as ChildProcessWithoutNullStreams;
  return new ConsumerProcess(child);
}

async function produce(port: number, topic: string, from: number, to: number, partitions: number): Promise<void> {
  const producer = kafkaFor(port).producer();
  await producer.connect();
  const messages = Array.from({ length: to - from }, (_, i) => ({ partition: (from + i) % partitions, value: `m${from + i}` }));
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

const children: ChildProcessWithoutNullStreams[] = [];
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-group-crash-'));
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) killGroup(c);
  await rm(dataDir, { recursive: true, force: true });
});

async function startBroker(): Promise<{ broker: BrokerProcess; port: number }> {
  const broker = runBroker({ SLUICE_DATA_DIR: dataDir });
  children.push(broker.child);
  return { broker, port: await kafkaPortOf(broker) };
}

function consumer(port: number, group: string, topic: string): ConsumerProcess {
  const c = startConsumer(port, group, topic);
  children.push(c.child);
  return c;
}

async function createTopic(port: number, topic: string, partitions: number): Promise<void> {
  const admin = kafkaFor(port).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await admin.disconnect();
}

describe('consumer groups across SIGKILLed processes', () => {
  it('a killed member is evicted after its session timeout and the survivor takes every partition', async () => {
    const { port } = await startBroker();
    const topic = `crash-member-${Date.now()}`;
    const group = `${topic}-g`;
    await createTopic(port, topic, 4);

    const a = consumer(port, group, topic);
    await waitFor(() => a.lastAssignment()?.length === 4, 60_000, 'first member owns all 4 partitions');
    const b = consumer(port, group, topic);
    await waitFor(() => (a.lastAssignment()?.length ?? 0) > 0 && (b.lastAssignment()?.length ?? 0) > 0 && a.lastAssignment()!.length + b.lastAssignment()!.length === 4, 60_000, 'the two members split the partitions');

    await produce(port, topic, 0, 40, 4);
    await waitFor(() => a.messages().length + b.messages().length >= 40, 60_000, 'first 40 messages consumed');

    killGroup(b.child); // no LeaveGroup: the coordinator only learns from the missing heartbeats
    await b.exited;
    await waitFor(() => a.lastAssignment()?.length === 4, 60_000, 'survivor reassigned all partitions after the session timeout');

    await produce(port, topic, 40, 80, 4);
    const isNew = (m: Line) => Number(m.value!.slice(1)) >= 40;
    await waitFor(() => new Set(a.messages().filter(isNew).map((m) => m.value)).size >= 40, 60_000, 'survivor consumed the 40 new messages');

    const all = new Set([...a.messages(), ...b.messages()].map((m) => m.value));
    expect(all.size).toBe(80); // nothing lost, on any partition, before or after the death
    const survivorPartitionsAfter = new Set(a.messages().filter(isNew).map((m) => m.partition));
    expect([...survivorPartitionsAfter].sort()).toEqual([0, 1, 2, 3]);
  }, 180_000);

  it('consumer and broker both SIGKILLed mid-stream: after restarting both, the group resumes at its committed offsets', async () => {
    let { broker, port } = await startBroker();
    const topic = `crash-both-${Date.now()}`;
    const group = `${topic}-g`;
    await createTopic(port, topic, 3);
    await produce(port, topic, 0, 300, 3);

    const first = consumer(port, group, topic);
    await waitFor(() => first.messages().length >= 120, 60_000, 'consumer is mid-stream');
    killGroup(first.child);
    killGroup(broker.child);
    await Promise.all([first.exited, broker.exited]);
    const before = first.messages();

    ({ broker, port } = await startBroker());
    // What the group committed before the crash, as the recovered broker reports it.
    const admin = kafkaFor(port).admin();
    await admin.connect();
    const committed = new Map((await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
    await admin.disconnect();
    expect([...committed.values()].reduce((a, b) => a + Math.max(0, b), 0)).toBeGreaterThan(0);
    await produce(port, topic, 300, 330, 3);

    const second = consumer(port, group, topic);
    await waitFor(() => new Set([...before, ...second.messages()].map((m) => m.value)).size >= 330, 90_000, 'every message delivered across the crash');

    for (let p = 0; p < 3; p++) {
      const firstAfter = second.messages().find((m) => m.partition === p);
      // Resumed exactly at the committed offset: nothing skipped, nothing older than the commit.
      expect(Number(firstAfter?.offset), `partition ${p}`).toBe(Math.max(0, committed.get(p) ?? 0));
      // Everything before the commit had been delivered before the crash.
      const deliveredBefore = new Set(before.filter((m) => m.partition === p).map((m) => Number(m.offset)));
      for (let o = 0; o < (committed.get(p) ?? 0); o++) expect(deliveredBefore.has(o), `p${p} offset ${o} delivered before the crash`).toBe(true);
    }
    // Duplicates are limited to what was delivered but not yet committed at the crash.
    const redelivered = second.messages().filter((m) => before.some((b) => b.value === m.value));
    expect(redelivered.length).toBeLessThanOrEqual(3);
  }, 240_000);
});
