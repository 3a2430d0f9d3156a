/**
 * A static leader (group.instance.id) restarting into a Stable group, over the wire. Before
 * JoinGroup v9 the client cannot be told to skip the assignment, so, as Kafka does, it is not
 * told it leads: the answer names its previous member id as leader and carries no members. From
 * v9 it is told it leads, with skipAssignment and the member list.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../../../broker/kafka/protocol/consumer-protocol.js';
import { heartbeat } from '../../../../broker/kafka/protocol/apis/heartbeat.js';
import { joinGroup } from '../../../../broker/kafka/protocol/apis/join-group.js';
import { syncGroup } from '../../../../broker/kafka/protocol/apis/sync-group.js';
import { RawClient, startTestBroker, type TestBroker } from '../handlers/helpers.js';

let broker: TestBroker;
const clients: RawClient[] = [];
beforeEach(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await broker?.close();
});

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(broker.port);
  clients.push(c);
  return c;
}

const GROUP = 'static-leader';
const protocols = [{ name: 'range', metadata: encodeConsumerSubscription({ topics: ['t'] }) }];
const A = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] });
const B = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [1] }] });

function join(c: RawClient, version: number, memberId: string, instanceId: string) {
  return c.call(joinGroup, version, { groupId: GROUP, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: instanceId, protocolType: 'consumer', protocols, reason: null });
}

function sync(c: RawClient, generationId: number, memberId: string, instanceId: string, assignments: { memberId: string; assignment: Buffer }[]) {
  return c.call(syncGroup, 3, { groupId: GROUP, generationId, memberId, groupInstanceId: instanceId, assignments });
}

/** Static members inst-a (leader, assignment A) and inst-b (assignment B), Stable in generation 2. */
async function stableTwoMembers() {
  const ca = await client();
  const cb = await client();
  const a1 = await join(ca, 5, '', 'inst-a');
  expect(a1).toMatchObject({ errorCode: 0, generationId: 1, leader: a1.memberId });
  expect((await sync(ca, 1, a1.memberId, 'inst-a', [{ memberId: a1.memberId, assignment: A }])).errorCode).toBe(0);
  const b = join(cb, 5, '', 'inst-b');
  // Wait until b's JoinGroup has started the rebalance before the leader rejoins.
  for (let i = 0; i < 200 && broker.server.groups!.groupState(GROUP) !== 'PreparingRebalance'; i++) await new Promise((r) => setTimeout(r, 10));
  const a2 = await join(ca, 5, a1.memberId, 'inst-a');
  const b2 = await b;
  expect(a2).toMatchObject({ errorCode: 0, generationId: 2, leader: a1.memberId });
  expect(b2).toMatchObject({ errorCode: 0, generationId: 2, leader: a1.memberId, members: [] });
  const syncA = sync(ca, 2, a1.memberId, 'inst-a', [
    { memberId: a1.memberId, assignment: A },
    { memberId: b2.memberId, assignment: B },
  ]);
  const syncB = await sync(cb, 2, b2.memberId, 'inst-b', []);
  expect((await syncA).errorCode).toBe(0);
  expect(Buffer.from(syncB.assignment).equals(B)).toBe(true);
  expect(broker.server.groups!.groupState(GROUP)).toBe('Stable');
  return { leaderId: a1.memberId, followerId: b2.memberId, cb };
}

describe('static leader rejoining a Stable group', () => {
  it('JoinGroup v5: keeps the generation, names the previous leader id and sends no members', async () => {
    const { leaderId, followerId, cb } = await stableTwoMembers();
    const restarted = await client();
    const res = await join(restarted, 5, '', 'inst-a');
    expect(res.errorCode).toBe(0);
    expect(res.generationId).toBe(2);
    expect(res.memberId).not.toBe(leaderId);
    expect(res.leader).toBe(leaderId); // not its own id: the client does not run the assignor
    expect(res.members).toEqual([]);
    expect(broker.server.groups!.groupState(GROUP)).toBe('Stable');

    // As a follower it syncs and gets its previous assignment back; nobody rebalanced.
    const synced = await sync(restarted, 2, res.memberId, 'inst-a', []);
    expect(synced.errorCode).toBe(0);
    expect(Buffer.from(synced.assignment).equals(A)).toBe(true);
    expect((await cb.call(heartbeat, 3, { groupId: GROUP, generationId: 2, memberId: followerId, groupInstanceId: 'inst-b' })).errorCode).toBe(0);
    // The old incarnation is fenced.
    expect((await restarted.call(heartbeat, 3, { groupId: GROUP, generationId: 2, memberId: leaderId, groupInstanceId: 'inst-a' })).errorCode).toBe(82);
  });

  it('JoinGroup v9: tells the returning leader it leads, with skipAssignment and the members', async () => {
    const { leaderId, followerId } = await stableTwoMembers();
    const restarted = await client();
    const res = await join(restarted, 9, '', 'inst-a');
    expect(res).toMatchObject({ errorCode: 0, generationId: 2, leader: res.memberId, skipAssignment: true });
    expect(res.memberId).not.toBe(leaderId);
    expect(res.members.map((m) => [m.memberId, m.groupInstanceId])).toEqual([
      [res.memberId, 'inst-a'],
      [followerId, 'inst-b'],
    ]);
    const synced = await sync(restarted, 2, res.memberId, 'inst-a', []);
    expect(Buffer.from(synced.assignment).equals(A)).toBe(true);
    expect(broker.server.groups!.groupState(GROUP)).toBe('Stable');
  });

  it('JoinGroup v5 from a static follower that restarts is answered with the current leader', async () => {
    const { leaderId, followerId } = await stableTwoMembers();
    const restarted = await client();
    const res = await join(restarted, 5, '', 'inst-b');
    expect(res).toMatchObject({ errorCode: 0, generationId: 2, leader: leaderId, members: [] });
    expect(res.memberId).not.toBe(followerId);
    const synced = await sync(restarted, 2, res.memberId, 'inst-b', []);
    expect(Buffer.from(synced.assignment).equals(B)).toBe(true);
  });
});
