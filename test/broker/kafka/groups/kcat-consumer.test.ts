/**
 * kcat -G (librdkafka's high-level balanced consumer) against the real broker: FindCoordinator
 * v0-2, JoinGroup, SyncGroup, Heartbeat, OffsetFetch/OffsetCommit, LeaveGroup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kcat, requireKcat, spawnKcat } from '../clients/kcat.js';

let broker: TestBroker;
let bootstrap: string;

beforeAll(async () => {
  requireKcat();
  broker = await startTestBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
});

const GROUP_SETTINGS = ['-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.offset.reset=earliest', '-X', 'fetch.wait.max.ms=100'];

/** Runs a balanced consumer (`-o beginning` makes kcat seek every assigned partition to its start,
 * ignoring committed offsets; without -o it resumes from them) until it has printed `expected` lines and then stayed quiet for a moment (or until -e ends it). */
async function consumeGroup(group: string, topic: string, expected: number, offsetArgs: string[], quietMs = 1_500): Promise<string[]> {
  const run = spawnKcat(['-b', bootstrap, '-G', group, topic, ...offsetArgs, '-e', '-f', '%p:%o:%s\n', ...GROUP_SETTINGS]);
  const lines = () => run.stdout().split('\n').filter(Boolean);
  const deadline = Date.now() + 30_000;
  let exited = false;
  void run.exited.then(() => (exited = true));
  while (!exited && lines().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!exited) {
    await Promise.race([run.exited, new Promise((r) => setTimeout(r, quietMs))]);
    if (!exited) run.child.kill('SIGINT'); // kcat closes the consumer (commit + LeaveGroup) on SIGINT
  }
  await run.exited;
  return lines();
}

describe('kcat balanced consumer (-G)', () => {
  it('receives every message once, commits, and a second run of the group gets nothing again', async () => {
    const topic = 'kcat-group-topic';
    await broker.store.createTopic(topic, 3);
    const input = Array.from({ length: 40 }, (_, i) => `k${i}:m${i}`).join('\n') + '\n';
    await kcat(['-b', bootstrap, '-P', '-t', topic, '-K:'], { input });

    const lines = await consumeGroup('kcat-group', topic, 40, ['-o', 'beginning']);
    expect(lines).toHaveLength(40);
    expect(lines.map((l) => l.split(':')[2]).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`).sort());
    expect(new Set(lines.map((l) => l.split(':').slice(0, 2).join(':'))).size).toBe(40);

    // The group committed the end of every partition.
    const ends = [0, 1, 2].map((p) => broker.store.offsets(topic, p).logEndOffset);
    const fetched = broker.server.groups!.fetchOffsets({ groupId: 'kcat-group', topics: [{ name: topic, partitionIndexes: [0, 1, 2] }] });
    expect(fetched.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual(ends);

    // Resuming the group from its committed offsets: only what was produced since.
    await kcat(['-b', bootstrap, '-P', '-t', topic, '-K:'], { input: 'late:late-message\n' });
    const again = await consumeGroup('kcat-group', topic, 1, []);
    expect(again.map((l) => l.split(':')[2])).toEqual(['late-message']);
  }, 90_000);
});
