import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../broker/groups/errors.js';
import type { GroupCoordinator } from '../../../broker/groups/coordinator.js';
import { MemoryOffsetLog } from '../../../broker/groups/offset-log.js';
import { fixture, joinReq, settle, track } from './helpers.js';

function commit(c: GroupCoordinator, groupId: string, generationId: number, memberId: string, offset: number, metadata: string | null = 'm') {
  return c.commitOffsets({
    groupId,
    generationId,
    memberId,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 5, committedMetadata: metadata }, { partitionIndex: 1, committedOffset: offset + 1 }] }],
  });
}

function codes(r: Awaited<ReturnType<typeof commit>>): number[] {
  return r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

async function stableMember(c: GroupCoordinator, groupId = 'g') {
  const join = await c.joinGroup(joinReq({ groupId }));
  await c.syncGroup({ groupId, generationId: join.generationId, memberId: join.memberId, assignments: [] });
  return join;
}

describe('GroupCoordinator offsets', () => {
  it('commit and fetch, with metadata, leader epoch and commit timestamp', async () => {
    const { coordinator: c, timers, log } = await fixture();
    const m = await stableMember(c);
    expect(codes(await commit(c, 'g', m.generationId, m.memberId, 42, 'hello'))).toEqual([0, 0]);
    const fetched = c.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }, { name: 'none', partitionIndexes: [0] }] });
    expect(fetched).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 5, metadata: 'hello', errorCode: 0 },
            { partitionIndex: 1, committedOffset: 43, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 2, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
        { name: 'none', partitions: [{ partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] },
      ],
    });
    // null topics = everything committed
    expect(c.fetchOffsets({ groupId: 'g', topics: null }).topics.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([['orders', [42, 43]]]);
    // unknown group: -1 everywhere, no error
    expect(c.fetchOffsets({ groupId: 'unknown', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(-1);
    expect(c.fetchOffsets({ groupId: 'unknown', topics: null }).topics).toEqual([]);
    expect((log as MemoryOffsetLog).records.length).toBeGreaterThanOrEqual(2);
    void timers;
  });

  it('commits keep the session alive', async () => {
    const { coordinator: c, timers } = await fixture();
    const m = await stableMember(c);
    for (let i = 0; i < 5; i++) {
      await timers.advance(8000);
      expect(codes(await commit(c, 'g', m.generationId, m.memberId, i))).toEqual([0, 0]);
    }
    expect(c.groupState('g')).toBe('Stable');
  });

  it('stale generation → ILLEGAL_GENERATION, unknown member → UNKNOWN_MEMBER_ID, non-member commit to an active group refused', async () => {
    const { coordinator: c } = await fixture();
    const m = await stableMember(c);
    expect(codes(await commit(c, 'g', m.generationId - 1, m.memberId, 1))).toEqual([ErrorCode.ILLEGAL_GENERATION, ErrorCode.ILLEGAL_GENERATION]);
    expect(codes(await commit(c, 'g', m.generationId, 'intruder', 1))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(c, 'g', -1, '', 1))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await commit(c, 'missing', 3, 'x', 1))).toEqual([ErrorCode.ILLEGAL_GENERATION, ErrorCode.ILLEGAL_GENERATION]);
    expect(c.fetchOffsets({ groupId: 'g', topics: null }).topics).toEqual([]);
  });

  it('commits during CompletingRebalance get REBALANCE_IN_PROGRESS; during PreparingRebalance they are accepted', async () => {
    const { coordinator: c } = await fixture();
    const a = await stableMember(c);
    const jb = track(c.joinGroup(joinReq({ clientId: 'b' })));
    await settle();
    expect(c.groupState('g')).toBe('PreparingRebalance');
    expect(codes(await commit(c, 'g', a.generationId, a.memberId, 7))).toEqual([0, 0]);
    const ja = await c.joinGroup(joinReq({ memberId: a.memberId }));
    await jb.promise;
    expect(c.groupState('g')).toBe('CompletingRebalance');
    expect(codes(await commit(c, 'g', ja.generationId, a.memberId, 8))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.REBALANCE_IN_PROGRESS]);
  });

  it('simple (generation -1) commits create an Empty group and are allowed while it is Empty', async () => {
    const { coordinator: c } = await fixture();
    expect(codes(await commit(c, 'simple', -1, '', 10))).toEqual([0, 0]);
    expect(c.describeGroups(['simple'])[0]).toMatchObject({ groupState: 'Empty', protocolType: '', members: [] });
    expect(c.listGroups().groups).toEqual([{ groupId: 'simple', protocolType: '', groupState: 'Empty' }]);
    expect(codes(await commit(c, 'simple', -1, '', 11))).toEqual([0, 0]);
    expect(c.fetchOffsets({ groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(11);
    // A consumer group can later form under the same id and sees the offsets.
    const m = await stableMember(c, 'simple');
    expect(m.errorCode).toBe(0);
    expect(c.fetchOffsets({ groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(11);
  });

  it('oversized metadata is refused per partition', async () => {
    const { coordinator: c } = await fixture({ config: { maxOffsetMetadataBytes: 4 } });
    const r = await commit(c, 'simple', -1, '', 1, 'too long');
    expect(codes(r)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, 0]);
  });

  it('a failed write reports COORDINATOR_NOT_AVAILABLE and changes nothing', async () => {
    const log = new MemoryOffsetLog();
    const { coordinator: c } = await fixture({ log });
    await commit(c, 'simple', -1, '', 1);
    log.failAppends = new Error('disk full');
    expect(codes(await commit(c, 'simple', -1, '', 2))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(c.fetchOffsets({ groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(1);
  });
});

describe('GroupCoordinator describe/list/delete', () => {
  it('describes unknown groups as Dead with no error', async () => {
    const { coordinator: c } = await fixture();
    expect(c.describeGroups(['nope'])).toEqual([{ errorCode: 0, groupId: 'nope', groupState: 'Dead', protocolType: '', protocolData: '', members: [] }]);
  });

  it('describes a Stable group with members, metadata and assignments', async () => {
    const { coordinator: c } = await fixture();
    const join = await c.joinGroup(joinReq({ clientId: 'cli', clientHost: '/10.0.0.1' }));
    expect(c.describeGroups(['g'])[0]).toMatchObject({ groupState: 'CompletingRebalance', protocolData: '' });
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.from('asg') }] });
    expect(c.describeGroups(['g'])[0]).toEqual({
      errorCode: 0,
      groupId: 'g',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: join.memberId, groupInstanceId: null, clientId: 'cli', clientHost: '/10.0.0.1', memberMetadata: Buffer.from('sub'), memberAssignment: Buffer.from('asg') }],
    });
  });

  it('lists groups with an optional state filter', async () => {
    const { coordinator: c } = await fixture();
    await stableMember(c, 'a');
    await commit(c, 'b', -1, '', 1);
    expect(c.listGroups().groups.map((g) => [g.groupId, g.groupState, g.protocolType])).toEqual([
      ['a', 'Stable', 'consumer'],
      ['b', 'Empty', ''],
    ]);
    expect(c.listGroups(['empty']).groups.map((g) => g.groupId)).toEqual(['b']);
    expect(c.listGroups(['Stable']).groups.map((g) => g.groupId)).toEqual(['a']);
  });

  it('deletes only Empty groups, with their offsets', async () => {
    const { coordinator: c, log } = await fixture();
    const m = await stableMember(c);
    await commit(c, 'g', m.generationId, m.memberId, 5);
    expect(await c.deleteGroups(['g', 'missing'])).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    c.leaveGroup({ groupId: 'g', members: [{ memberId: m.memberId }] });
    expect(c.groupState('g')).toBe('Empty');
    expect(await c.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }]);
    expect(c.describeGroups(['g'])[0]!.groupState).toBe('Dead');
    expect(c.listGroups().groups).toEqual([]);
    expect(c.fetchOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset).toBe(-1);
    const tombstones = (log as MemoryOffsetLog).records.filter((r) => r.value === null);
    expect(tombstones).toHaveLength(3); // two offsets + the group metadata
    expect(await c.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
  });
});
