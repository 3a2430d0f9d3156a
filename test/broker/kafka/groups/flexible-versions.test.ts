/**
 * The flexible (KIP-482) versions of the group APIs, over the wire with the raw client:
 * FindCoordinator v4 key batches, JoinGroup v7-9 protocol type / nullable protocol name /
 * skipAssignment, SyncGroup v5 protocol checks, LeaveGroup v5 reasons, Heartbeat v4,
 * OffsetCommit v8, OffsetFetch v8 group batches, DescribeGroups v5, ListGroups v4-5 filters,
 * DeleteGroups v2.
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

/** One member joined (v9, with the MEMBER_ID_REQUIRED round trip) and synced (v5): a Stable group. */
async function stableGroup(groupId: string) {
  const join = (memberId: string) =>
    c.call(joinGroup, 9, { groupId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols, reason: 'test' });
  const first = await join('');
  expect(first).toMatchObject({ errorCode: 79, protocolType: null, protocolName: null, skipAssignment: false });
  const joined = await join(first.memberId);
  expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId, skipAssignment: false });
  const assignment = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0] }] });
  const sync = await c.call(syncGroup, 5, {
    groupId,
    generationId: 1,
    memberId: joined.memberId,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment }],
  });
  expect(sync).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
  expect(Buffer.from(sync.assignment).equals(assignment)).toBe(true);
  return joined.memberId;
}

describe('flexible group versions', () => {
  it('FindCoordinator v4 answers every key of the batch, each with its own error', async () => {
    const res = await c.call(findCoordinator, 4, { keyType: 0, coordinatorKeys: ['g1', '', 'g2'] });
    expect(res.coordinators).toEqual([
      { key: 'g1', nodeId: 0, host: '127.0.0.1', port: broker.port, errorCode: 0, errorMessage: null },
      { key: '', nodeId: -1, host: '', port: -1, errorCode: 24, errorMessage: 'empty group id' },
      { key: 'g2', nodeId: 0, host: '127.0.0.1', port: broker.port, errorCode: 0, errorMessage: null },
    ]);
    const bad = await c.call(findCoordinator, 5, { keyType: 9, coordinatorKeys: ['g'] });
    expect(bad.coordinators).toEqual([expect.objectContaining({ key: 'g', errorCode: 42 })]);
  });

  it('JoinGroup v9 / SyncGroup v5 / Heartbeat v4 / LeaveGroup v5 run one member through a generation', async () => {
    const memberId = await stableGroup('gf');
    expect(await c.call(heartbeat, 4, { groupId: 'gf', generationId: 1, memberId, groupInstanceId: null })).toMatchObject({ errorCode: 0 });
    expect(await c.call(heartbeat, 4, { groupId: 'gf', generationId: 2, memberId, groupInstanceId: null })).toMatchObject({ errorCode: 22 });
    const left = await c.call(leaveGroup, 5, { groupId: 'gf', members: [{ memberId, groupInstanceId: null, reason: 'shutting down' }] });
    expect(left).toMatchObject({ errorCode: 0, members: [{ memberId, errorCode: 0 }] });
    expect(broker.server.groups!.groupState('gf')).toBe('Empty');
  });

  it('SyncGroup v5 refuses a protocol type or name other than the group\'s (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const memberId = await stableGroup('gs');
    const sync = (protocolType: string | null, protocolName: string | null) =>
      c.call(syncGroup, 5, { groupId: 'gs', generationId: 1, memberId, protocolType, protocolName, assignments: [] });
    expect(await sync('connect', 'range')).toMatchObject({ errorCode: 23 });
    expect(await sync('consumer', 'roundrobin')).toMatchObject({ errorCode: 23 });
    expect(await sync(null, null)).toMatchObject({ errorCode: 0 });
  });

  it('OffsetCommit v8 then OffsetFetch v8 answers a batch of groups, each with its own offsets and error', async () => {
    await broker.store.createTopic('t8', 2);
    const memberId = await stableGroup('ga');
    const commit = await c.call(offsetCommit, 8, {
      groupId: 'ga',
      generationIdOrMemberEpoch: 1,
      memberId,
      groupInstanceId: null,
      topics: [{ name: 't8', partitions: [{ partitionIndex: 1, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
    });
    expect(commit.topics).toEqual([{ name: 't8', partitions: [{ partitionIndex: 1, errorCode: 0 }] }]);
    const res = await c.call(offsetFetch, 8, {
      groups: [
        { groupId: 'ga', topics: [{ name: 't8', partitionIndexes: [0, 1] }] },
        { groupId: 'ga', topics: null },
        { groupId: 'nobody', topics: [{ name: 't8', partitionIndexes: [1] }] },
      ],
      requireStable: true,
    });
    const p = (partitionIndex: number, committedOffset: bigint, metadata: string | null) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, metadata, errorCode: 0 });
    expect(res.groups).toEqual([
      { groupId: 'ga', errorCode: 0, topics: [{ name: 't8', partitions: [p(0, -1n, ''), p(1, 42n, 'm')] }] },
      { groupId: 'ga', errorCode: 0, topics: [{ name: 't8', partitions: [p(1, 42n, 'm')] }] },
      { groupId: 'nobody', errorCode: 0, topics: [{ name: 't8', partitions: [p(1, -1n, '')] }] },
    ]);
  });

  it('ListGroups v4 filters by state and v5 by type; DescribeGroups v5; DeleteGroups v2', async () => {
    const memberId = await stableGroup('gl');
    const list = (v: number, statesFilter: string[], typesFilter: string[] = []) => c.call(listGroups, v, { statesFilter, typesFilter }).then((r) => r.groups);
    expect(await list(4, [])).toEqual([{ groupId: 'gl', protocolType: 'consumer', groupState: 'Stable', groupType: '' }]);
    expect(await list(4, ['empty'])).toEqual([]);
    expect(await list(5, ['Stable'], ['Classic'])).toEqual([{ groupId: 'gl', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }]);
    expect(await list(5, [], ['consumer'])).toEqual([]);
    const described = await c.call(describeGroups, 5, { groups: ['gl'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolData: 'range', members: [expect.objectContaining({ memberId })] });
    expect((await c.call(deleteGroups, 2, { groupsNames: ['gl'] })).results).toEqual([{ groupId: 'gl', errorCode: 68 }]);
    await c.call(leaveGroup, 5, { groupId: 'gl', members: [{ memberId, groupInstanceId: null, reason: null }] });
    expect((await c.call(deleteGroups, 2, { groupsNames: ['gl', 'ghost'] })).results).toEqual([
      { groupId: 'gl', errorCode: 0 },
      { groupId: 'ghost', errorCode: 69 },
    ]);
  });
});
