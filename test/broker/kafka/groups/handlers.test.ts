/**
 * The group handlers' version mapping, over the wire with the raw client: FindCoordinator key
 * types, JoinGroup v0 (no rebalance timeout) and v4 (MEMBER_ID_REQUIRED), LeaveGroup v0-2 (single
 * member, top-level error) and v3 (batch), OffsetCommit v0 (no generation), OffsetFetch v1 / v2
 * (null topics), ListGroups, DescribeGroups, DeleteGroups.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeConsumerAssignment, encodeConsumerSubscription } from '../../../../broker/kafka/protocol/consumer-protocol.js';
import { deleteGroups } from '../../../../broker/kafka/protocol/apis/delete-groups.js';
import { describeGroups } from '../../../../broker/kafka/protocol/apis/describe-groups.js';
import { findCoordinator } from '../../../../broker/kafka/protocol/apis/find-coordinator.js';
import { heartbeat } from '../../../../broker/kafka/protocol/apis/heartbeat.js';
import { joinGroup } from '../../../../broker/kafka/protocol/apis/join-group.js';
import { leaveGroup } from '../../../../broker/kafka/protocol/apis/leave-group.js';
import { listGroups } from '../../../../broker/kafka/protocol/apis/list-groups.js';
import { metadata } from '../../../../broker/kafka/protocol/apis/metadata.js';
import { offsetCommit } from '../../../../broker/kafka/protocol/apis/offset-commit.js';
import { offsetFetch } from '../../../../broker/kafka/protocol/apis/offset-fetch.js';
import { syncGroup } from '../../../../broker/kafka/protocol/apis/sync-group.js';
import { RawClient, startTestBroker, type TestBroker } from '../handlers/helpers.js';

let broker: TestBroker;
let c: RawClient;
beforeEach(async () => {
  broker = await startTestBroker();
  c = await RawClient.connect(broker.port);
});
afterEach(async () => {
  c?.close();
  await broker?.close();
});

const protocols = [{ name: 'range', metadata: encodeConsumerSubscription({ topics: ['t'] }) }];

describe('group handlers', () => {
  it('FindCoordinator answers this broker for groups (v0-2) and transactions; unknown key types are invalid', async () => {
    for (const v of [0, 1, 2]) {
      const res = await c.call(findCoordinator, v, { key: 'g', keyType: 0 });
      expect(res).toMatchObject({ errorCode: 0, nodeId: 0, host: '127.0.0.1', port: broker.port });
    }
    expect(await c.call(findCoordinator, 1, { key: 'tx', keyType: 1 })).toMatchObject({ errorCode: 0, nodeId: 0, port: broker.port });
    expect(await c.call(findCoordinator, 1, { key: 'x', keyType: 5 })).toMatchObject({ errorCode: 42, nodeId: -1 });
  });

  it('JoinGroup v0 / SyncGroup v0 / Heartbeat v0 / LeaveGroup v0 for a single member', async () => {
    const join = await c.call(joinGroup, 0, { groupId: 'g0', sessionTimeoutMs: 6000, memberId: '', protocolType: 'consumer', protocols });
    expect(join).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(join.leader).toBe(join.memberId);
    expect(join.members.map((m) => m.memberId)).toEqual([join.memberId]);
    const assignment = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] });
    const sync = await c.call(syncGroup, 0, { groupId: 'g0', generationId: 1, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment }] });
    expect(sync.errorCode).toBe(0);
    expect(Buffer.from(sync.assignment).equals(assignment)).toBe(true);
    expect(await c.call(heartbeat, 0, { groupId: 'g0', generationId: 1, memberId: join.memberId })).toMatchObject({ errorCode: 0 });
    expect(await c.call(heartbeat, 0, { groupId: 'g0', generationId: 7, memberId: join.memberId })).toMatchObject({ errorCode: 22 });
    const described = await c.call(describeGroups, 0, { groups: ['g0', 'nope'] });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g0', groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.groups[0]!.members).toEqual([expect.objectContaining({ memberId: join.memberId, clientId: 'raw-test', clientHost: '/127.0.0.1' })]);
    expect(described.groups[1]).toMatchObject({ groupId: 'nope', groupState: 'Dead', members: [] });
    // v0: one member id, the member's error is the top-level one.
    expect(await c.call(leaveGroup, 0, { groupId: 'g0', memberId: 'unknown' })).toMatchObject({ errorCode: 25 });
    expect(await c.call(leaveGroup, 1, { groupId: 'g0', memberId: join.memberId })).toMatchObject({ errorCode: 0 });
    expect(broker.server.groups!.groupState('g0')).toBe('Empty');
  });

  it('JoinGroup v4 asks an unknown member to rejoin with its id (MEMBER_ID_REQUIRED); LeaveGroup v3 answers per member', async () => {
    const first = await c.call(joinGroup, 4, { groupId: 'g4', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols });
    expect(first.errorCode).toBe(79);
    expect(first.memberId).toMatch(/^raw-test-/);
    const join = await c.call(joinGroup, 4, { groupId: 'g4', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId: first.memberId, protocolType: 'consumer', protocols });
    expect(join).toMatchObject({ errorCode: 0, generationId: 1, memberId: first.memberId, leader: first.memberId });
    const left = await c.call(leaveGroup, 3, { groupId: 'g4', members: [{ memberId: join.memberId, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }] });
    expect(left).toMatchObject({
      errorCode: 0,
      members: [
        { memberId: join.memberId, groupInstanceId: null, errorCode: 0 },
        { memberId: 'ghost', groupInstanceId: null, errorCode: 25 },
      ],
    });
  });

  it('OffsetCommit v0 commits from outside the group; OffsetFetch v1 by partition and v2 with null topics; DeleteGroups', async () => {
    await broker.store.createTopic('t', 2);
    const commit = await c.call(offsetCommit, 0, {
      groupId: 'simple',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 12n, committedMetadata: 'm' }, { partitionIndex: 1, committedOffset: 3n, committedMetadata: null }] }],
    });
    expect(commit.topics).toEqual([{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }]);
    const v1 = await c.call(offsetFetch, 1, { groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0, 1] }, { name: 'other', partitionIndexes: [0] }] });
    expect(v1.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])])).toEqual([
      [
        't',
        [
          [0, 12n, 'm', 0],
          [1, 3n, '', 0],
        ],
      ],
      ['other', [[0, -1n, '', 0]]],
    ]);
    const v2 = await c.call(offsetFetch, 2, { groupId: 'simple', topics: null });
    expect(v2.errorCode).toBe(0);
    expect(v2.topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([['t', [12n, 3n]]]);
    const v5 = await c.call(offsetFetch, 5, { groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0] }] });
    expect(v5.topics[0]!.partitions[0]).toMatchObject({ committedOffset: 12n, committedLeaderEpoch: -1 });

    const listed = await c.call(listGroups, 0, {});
    expect(listed).toMatchObject({ errorCode: 0, groups: [{ groupId: 'simple', protocolType: '' }] });
    const deleted = await c.call(deleteGroups, 1, { groupsNames: ['simple', 'missing'] });
    expect(deleted.results).toEqual([
      { groupId: 'simple', errorCode: 0 },
      { groupId: 'missing', errorCode: 69 },
    ]);
    expect((await c.call(listGroups, 2, {})).groups).toEqual([]);
    const after = await c.call(offsetFetch, 2, { groupId: 'simple', topics: null });
    expect(after.topics).toEqual([]);
  });

  it('OffsetCommit v2+ with a generation for an unknown group is ILLEGAL_GENERATION', async () => {
    const res = await c.call(offsetCommit, 2, {
      groupId: 'ghost',
      generationIdOrMemberEpoch: 3,
      memberId: 'm',
      retentionTimeMs: -1n,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] }],
    });
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(22);
  });

  it('__consumer_offsets is created on the first commit, not at start, and Metadata marks it internal', async () => {
    expect(broker.store.getTopic('__consumer_offsets')).toBeUndefined();
    await c.call(offsetCommit, 0, { groupId: 'lazy', topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] }] });
    expect(broker.store.getTopic('__consumer_offsets')?.partitions).toBe(1);
    const md = await c.call(metadata, 1, { topics: null });
    expect(md.topics.map((t) => [t.name, t.isInternal])).toContainEqual(['__consumer_offsets', true]);
  });

  it('closing the broker answers a JoinGroup parked in a rebalance with NOT_COORDINATOR', async () => {
    const a = await c.call(joinGroup, 1, { groupId: 'gc', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols });
    expect(a.errorCode).toBe(0);
    const other = await RawClient.connect(broker.port);
    try {
      // b's join waits for a to rejoin (up to the rebalance timeout).
      const parked = other.call(joinGroup, 1, { groupId: 'gc', sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols });
      await new Promise((r) => setTimeout(r, 100));
      expect(broker.server.groups!.groupState('gc')).toBe('PreparingRebalance');
      const closing = broker.server.close();
      expect((await parked).errorCode).toBe(16);
      await closing;
    } finally {
      other.close();
    }
  });
});
