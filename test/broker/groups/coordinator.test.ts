import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../broker/groups/errors.js';
import type { GroupCoordinator } from '../../../broker/groups/coordinator.js';
import { fixture, joinReq, REBALANCE, SESSION, settle, track } from './helpers.js';

const A = Buffer.from('assignment-a');
const B = Buffer.from('assignment-b');

/** One member, all the way to Stable. Returns its id and generation. */
async function singleStable(c: GroupCoordinator, groupId = 'g', clientId = 'client') {
  const first = await c.joinGroup(joinReq({ groupId, clientId, requireKnownMemberId: true }));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  const join = await c.joinGroup(joinReq({ groupId, clientId, memberId: first.memberId, requireKnownMemberId: true }));
  expect(join.errorCode).toBe(ErrorCode.NONE);
  const sync = await c.syncGroup({ groupId, generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: A }] });
  expect(sync.errorCode).toBe(ErrorCode.NONE);
  return { memberId: join.memberId, generationId: join.generationId };
}

/** Two members a (leader) and b, Stable at the returned generation. */
async function twoStable(c: GroupCoordinator) {
  const a = await singleStable(c, 'g', 'a');
  const jb = track(c.joinGroup(joinReq({ clientId: 'b' })));
  await settle();
  expect(jb.done()).toBe(false);
  expect(c.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId }).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a.memberId }));
  const rb = await jb.promise;
  expect(ja.generationId).toBe(a.generationId + 1);
  expect(rb.generationId).toBe(a.generationId + 1);
  const gen = ja.generationId;
  const sa = c.syncGroup({ groupId: 'g', generationId: gen, memberId: ja.memberId, assignments: [
    { memberId: ja.memberId, assignment: A },
    { memberId: rb.memberId, assignment: B },
  ] });
  const sb = c.syncGroup({ groupId: 'g', generationId: gen, memberId: rb.memberId, assignments: [] });
  expect((await sa).assignment).toEqual(A);
  expect((await sb).assignment).toEqual(B);
  expect(c.groupState('g')).toBe('Stable');
  return { a: ja.memberId, b: rb.memberId, gen };
}

describe('GroupCoordinator join/sync', () => {
  it('single member: MEMBER_ID_REQUIRED, join, sync, Stable, heartbeat', async () => {
    const { coordinator: c } = await fixture();
    const first = await c.joinGroup(joinReq({ requireKnownMemberId: true }));
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, memberId: 'client-1', generationId: -1 });
    expect(c.groupState('g')).toBe('Empty');
    const join = await c.joinGroup(joinReq({ memberId: first.memberId, requireKnownMemberId: true }));
    expect(join).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'client-1', memberId: 'client-1' });
    expect(join.members).toEqual([{ memberId: 'client-1', groupInstanceId: null, metadata: Buffer.from('sub') }]);
    expect(c.groupState('g')).toBe('CompletingRebalance');
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: 'client-1' }).errorCode).toBe(0);
    const sync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: 'client-1', assignments: [{ memberId: 'client-1', assignment: A }] });
    expect(sync).toEqual({ errorCode: 0, protocolType: 'consumer', protocolName: 'range', assignment: A });
    expect(c.groupState('g')).toBe('Stable');
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: 'client-1' }).errorCode).toBe(0);
    expect(c.heartbeat({ groupId: 'g', generationId: 0, memberId: 'client-1' }).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: 'nobody' }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.heartbeat({ groupId: 'other', generationId: 1, memberId: 'client-1' }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // A follower-style rejoin of the leader with unchanged metadata still rebalances (Kafka rule).
    const again = await c.joinGroup(joinReq({ memberId: 'client-1' }));
    expect(again.generationId).toBe(2);
  });

  it('v0-3 join without requireKnownMemberId adds the member directly', async () => {
    const { coordinator: c } = await fixture();
    const join = await c.joinGroup(joinReq());
    expect(join).toMatchObject({ errorCode: 0, generationId: 1, memberId: 'client-1', leader: 'client-1' });
  });

  it('second member joining a Stable group rebalances: both rejoin, new generation, own assignments', async () => {
    const { coordinator: c } = await fixture();
    const { a, b, gen } = await twoStable(c);
    expect(gen).toBe(2);
    expect(c.heartbeat({ groupId: 'g', generationId: gen, memberId: a }).errorCode).toBe(0);
    expect(c.heartbeat({ groupId: 'g', generationId: gen, memberId: b }).errorCode).toBe(0);
    const desc = c.describeGroups(['g'])[0]!;
    expect(desc.members.map((m) => [m.memberId, m.memberAssignment.toString()])).toEqual([
      [a, 'assignment-a'],
      [b, 'assignment-b'],
    ]);
  });

  it('leader gets the member list, followers get none; follower sync waits for the leader', async () => {
    const { coordinator: c } = await fixture();
    const a = await singleStable(c, 'g', 'a');
    const jb = track(c.joinGroup(joinReq({ clientId: 'b', protocols: [{ name: 'range', metadata: Buffer.from('b-sub') }] })));
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a.memberId }));
    const rb = await jb.promise;
    expect(ja.leader).toBe(a.memberId);
    expect(ja.members.map((m) => m.metadata.toString())).toEqual(['sub', 'b-sub']);
    expect(rb.members).toEqual([]);
    const sb = track(c.syncGroup({ groupId: 'g', generationId: rb.generationId, memberId: rb.memberId, assignments: [] }));
    await settle();
    expect(sb.done()).toBe(false);
    // The leader gives b nothing: b gets an empty assignment.
    await c.syncGroup({ groupId: 'g', generationId: ja.generationId, memberId: ja.memberId, assignments: [{ memberId: ja.memberId, assignment: A }] });
    expect((await sb.promise)).toMatchObject({ errorCode: 0, assignment: Buffer.alloc(0) });
  });

  it('a member that stops heartbeating is removed after its session timeout and the group rebalances', async () => {
    const { coordinator: c, timers } = await fixture();
    const { a, b, gen } = await twoStable(c);
    // a keeps heartbeating every 3 s; b is silent.
    let aError = 0;
    for (let t = 0; t < SESSION + 3000 && aError === 0; t += 3000) {
      await timers.advance(3000);
      aError = c.heartbeat({ groupId: 'g', generationId: gen, memberId: a }).errorCode;
    }
    expect(aError).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(c.groupState('g')).toBe('PreparingRebalance');
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a }));
    expect(ja).toMatchObject({ errorCode: 0, generationId: gen + 1, leader: a });
    expect(ja.members.map((m) => m.memberId)).toEqual([a]);
    expect(c.heartbeat({ groupId: 'g', generationId: gen, memberId: b }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('the last member expiring leaves the group Empty', async () => {
    const { coordinator: c, timers } = await fixture();
    const a = await singleStable(c);
    await timers.advance(SESSION + 1);
    expect(c.groupState('g')).toBe('Empty');
    expect(c.describeGroups(['g'])[0]).toMatchObject({ groupState: 'Empty', members: [] });
    expect(c.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a member with a parked JoinGroup never expires', async () => {
    const { coordinator: c, timers } = await fixture();
    const { a, b, gen } = await twoStable(c);
    const ja = track(c.joinGroup(joinReq({ clientId: 'a', memberId: a })));
    // b heartbeats and learns of the rebalance but waits to rejoin; a is parked beyond its session.
    await timers.advance(SESSION - 1000);
    expect(c.heartbeat({ groupId: 'g', generationId: gen, memberId: b }).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await timers.advance(SESSION - 1000);
    expect(ja.done()).toBe(false);
    const jb = await c.joinGroup(joinReq({ clientId: 'b', memberId: b }));
    expect(jb.generationId).toBe(gen + 1);
    expect((await ja.promise).members).toHaveLength(2);
  });

  it('leave triggers a rebalance; the remaining member rejoins alone', async () => {
    const { coordinator: c } = await fixture();
    const { a, b, gen } = await twoStable(c);
    const leave = c.leaveGroup({ groupId: 'g', members: [{ memberId: b }] });
    expect(leave).toEqual({ errorCode: 0, members: [{ memberId: b, groupInstanceId: null, errorCode: 0 }] });
    expect(c.groupState('g')).toBe('PreparingRebalance');
    expect(c.heartbeat({ groupId: 'g', generationId: gen, memberId: a }).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a }));
    expect(ja.members.map((m) => m.memberId)).toEqual([a]);
    expect(c.leaveGroup({ groupId: 'g', members: [{ memberId: 'ghost' }] }).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(c.leaveGroup({ groupId: 'nope', members: [{ memberId: a }] }).members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // Last member leaves: Empty, generation bumped.
    c.leaveGroup({ groupId: 'g', members: [{ memberId: a }] });
    expect(c.groupState('g')).toBe('Empty');
  });

  it('a leave during CompletingRebalance answers parked syncs with REBALANCE_IN_PROGRESS', async () => {
    const { coordinator: c } = await fixture();
    const a = await singleStable(c, 'g', 'a');
    const jb = track(c.joinGroup(joinReq({ clientId: 'b' })));
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a.memberId }));
    const rb = await jb.promise;
    const sb = c.syncGroup({ groupId: 'g', generationId: rb.generationId, memberId: rb.memberId, assignments: [] });
    c.leaveGroup({ groupId: 'g', members: [{ memberId: ja.memberId }] });
    expect((await sb).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('rebalance timeout drops members that did not rejoin', async () => {
    const { coordinator: c, timers } = await fixture();
    const { a, b } = await twoStable(c);
    const jc = track(c.joinGroup(joinReq({ clientId: 'c' })));
    const ja = track(c.joinGroup(joinReq({ clientId: 'a', memberId: a })));
    // b keeps its session alive with heartbeats but never rejoins.
    for (let t = 0; t < REBALANCE - 3000; t += 3000) {
      await timers.advance(3000);
      expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: b }).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await timers.advance(2999);
    expect(jc.done()).toBe(false);
    expect(c.groupState('g')).toBe('PreparingRebalance');
    await timers.advance(1);
    const ra = ja.value();
    expect(ra.generationId).toBe(3);
    expect(ra.members.map((m) => m.memberId)).toEqual([a, jc.value().memberId]);
    expect(c.heartbeat({ groupId: 'g', generationId: 3, memberId: b }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a new leader is chosen when the leader does not rejoin', async () => {
    const { coordinator: c, timers } = await fixture();
    const { a, b } = await twoStable(c);
    // b rejoins with new metadata (a subscription change): rebalance. a heartbeats but never rejoins.
    const jb = track(c.joinGroup(joinReq({ clientId: 'b', memberId: b, protocols: [{ name: 'range', metadata: Buffer.from('more topics') }] })));
    for (let t = 0; t < REBALANCE; t += 5000) {
      await timers.advance(5000);
      if (!jb.done()) expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: a }).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(jb.value()).toMatchObject({ errorCode: 0, leader: b, generationId: 3 });
    expect(jb.value().members.map((m) => m.memberId)).toEqual([b]);
    expect(c.heartbeat({ groupId: 'g', generationId: 3, memberId: a }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('initial rebalance delay collects members joining an Empty group into one generation', async () => {
    const { coordinator: c, timers } = await fixture({ config: { initialRebalanceDelayMs: 3000 } });
    const j1 = track(c.joinGroup(joinReq({ clientId: 'a' })));
    await timers.advance(2000);
    const j2 = track(c.joinGroup(joinReq({ clientId: 'b' })));
    await timers.advance(1000); // first delay ends; a new member arrived, so it extends
    expect(j1.done()).toBe(false);
    await timers.advance(3000);
    expect(j1.value()).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(j2.value()).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(j1.value().members).toHaveLength(2);
  });

  it('static member restart with unchanged metadata: new member id, no rebalance, old id fenced', async () => {
    const { coordinator: c } = await fixture();
    const js = track(c.joinGroup(joinReq({ clientId: 's', groupInstanceId: 'inst-1', requireKnownMemberId: true })));
    const s = await js.promise;
    expect(s).toMatchObject({ errorCode: 0, memberId: 'inst-1-1', generationId: 1 }); // static: no MEMBER_ID_REQUIRED
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: s.memberId, groupInstanceId: 'inst-1', assignments: [{ memberId: s.memberId, assignment: A }] });
    const d = track(c.joinGroup(joinReq({ clientId: 'd' })));
    const s2 = await c.joinGroup(joinReq({ clientId: 's', memberId: s.memberId, groupInstanceId: 'inst-1' }));
    const rd = await d.promise;
    expect(s2.generationId).toBe(2);
    await c.syncGroup({ groupId: 'g', generationId: 2, memberId: s.memberId, groupInstanceId: 'inst-1', assignments: [
      { memberId: s.memberId, assignment: A },
      { memberId: rd.memberId, assignment: B },
    ] });
    expect(c.groupState('g')).toBe('Stable');

    // The static member restarts: empty member id, same instance id and metadata.
    const restarted = await c.joinGroup(joinReq({ clientId: 's', groupInstanceId: 'inst-1', supportsSkipAssignment: true }));
    expect(restarted).toMatchObject({ errorCode: 0, generationId: 2, leader: restarted.memberId, skipAssignment: true });
    expect(restarted.members.map((m) => m.memberId)).toEqual([restarted.memberId, rd.memberId]);
    expect(restarted.memberId).not.toBe(s.memberId);
    expect(c.groupState('g')).toBe('Stable');
    const sync = await c.syncGroup({ groupId: 'g', generationId: 2, memberId: restarted.memberId, groupInstanceId: 'inst-1', assignments: [] });
    expect(sync).toMatchObject({ errorCode: 0, assignment: A });
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: rd.memberId }).errorCode).toBe(0);
    expect(c.heartbeat({ groupId: 'g', generationId: 2, memberId: restarted.memberId, groupInstanceId: 'inst-1' }).errorCode).toBe(0);

    // The old incarnation is fenced everywhere.
    const old = { groupId: 'g', generationId: 2, memberId: s.memberId, groupInstanceId: 'inst-1' };
    expect(c.heartbeat(old).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await c.syncGroup({ ...old, assignments: [] })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await c.joinGroup(joinReq({ clientId: 's', memberId: s.memberId, groupInstanceId: 'inst-1' }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const commit = await c.commitOffsets({ ...old, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1 }] }] });
    expect(commit.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(c.leaveGroup({ groupId: 'g', members: [{ memberId: s.memberId, groupInstanceId: 'inst-1' }] }).members[0]!.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    // Leaving by instance id alone removes the current incarnation and rebalances.
    expect(c.leaveGroup({ groupId: 'g', members: [{ memberId: '', groupInstanceId: 'inst-1' }] }).members[0]!.errorCode).toBe(0);
    expect(c.groupState('g')).toBe('PreparingRebalance');
  });

  it('static leader restart without skipAssignment support (JoinGroup < v9) is not told it leads', async () => {
    const { coordinator: c } = await fixture();
    const s = await c.joinGroup(joinReq({ groupInstanceId: 'inst-1' }));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: s.memberId, groupInstanceId: 'inst-1', assignments: [{ memberId: s.memberId, assignment: A }] });
    const restarted = await c.joinGroup(joinReq({ groupInstanceId: 'inst-1' }));
    expect(restarted).toMatchObject({ errorCode: 0, generationId: 1, leader: s.memberId, skipAssignment: false, members: [] });
    expect(restarted.memberId).not.toBe(s.memberId);
    expect(c.groupState('g')).toBe('Stable');
    const sync = await c.syncGroup({ groupId: 'g', generationId: 1, memberId: restarted.memberId, groupInstanceId: 'inst-1', assignments: [{ memberId: restarted.memberId, assignment: B }] });
    expect(sync).toMatchObject({ errorCode: 0, assignment: A }); // a Stable group keeps its assignment
  });

  it('static member restart with changed metadata rebalances; the parked old join is fenced', async () => {
    const { coordinator: c } = await fixture();
    const s = await c.joinGroup(joinReq({ groupInstanceId: 'inst-1' }));
    await c.syncGroup({ groupId: 'g', generationId: 1, memberId: s.memberId, assignments: [] });
    const restarted = await c.joinGroup(joinReq({ groupInstanceId: 'inst-1', protocols: [{ name: 'range', metadata: Buffer.from('new-sub') }] }));
    expect(restarted).toMatchObject({ errorCode: 0, generationId: 2, leader: restarted.memberId });
    expect(restarted.members).toEqual([{ memberId: restarted.memberId, groupInstanceId: 'inst-1', metadata: Buffer.from('new-sub') }]);
  });

  it('pending members (MEMBER_ID_REQUIRED) expire after the session timeout', async () => {
    const { coordinator: c, timers } = await fixture();
    const a = await singleStable(c, 'g', 'a');
    const pending = await c.joinGroup(joinReq({ clientId: 'p', requireKnownMemberId: true }));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(c.groupState('g')).toBe('Stable');
    await timers.advance(SESSION / 2);
    c.heartbeat({ groupId: 'g', generationId: a.generationId, memberId: a.memberId });
    await timers.advance(SESSION / 2 + 1);
    const late = await c.joinGroup(joinReq({ clientId: 'p', memberId: pending.memberId, requireKnownMemberId: true }));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('validates group id, session timeout, protocols and unknown members', async () => {
    const { coordinator: c } = await fixture();
    expect((await c.joinGroup(joinReq({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await c.joinGroup(joinReq({ sessionTimeoutMs: 5999 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.joinGroup(joinReq({ sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await c.joinGroup(joinReq({ protocolType: '' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.joinGroup(joinReq({ protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(c.listGroups().groups).toEqual([]); // refused joins leave nothing behind
    expect((await c.joinGroup(joinReq({ memberId: 'made-up' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await singleStable(c);
    // kafkajs's RoundRobinAssigner vs librdkafka's range: no common protocol.
    expect((await c.joinGroup(joinReq({ protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.joinGroup(joinReq({ protocolType: 'connect' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.syncGroup({ groupId: 'g', generationId: 1, memberId: 'client-1', protocolName: 'roundrobin', assignments: [] })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await c.syncGroup({ groupId: 'g', generationId: 7, memberId: 'client-1', assignments: [] })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await c.syncGroup({ groupId: 'x', generationId: 1, memberId: 'client-1', assignments: [] })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('selects the protocol supported by all members by vote', async () => {
    const { coordinator: c } = await fixture();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const j1 = track(c.joinGroup(joinReq({ clientId: 'a', protocols: p('cooperative', 'roundrobin', 'range') })));
    const j2 = track(c.joinGroup(joinReq({ clientId: 'b', protocols: p('roundrobin', 'range') })));
    const j3 = track(c.joinGroup(joinReq({ clientId: 'c', protocols: p('range', 'roundrobin') })));
    // a joined alone first (generation 1); the others make a second rebalance that a must rejoin.
    expect((await j1.promise).generationId).toBe(1);
    const again = await c.joinGroup(joinReq({ clientId: 'a', memberId: j1.value().memberId, protocols: p('cooperative', 'roundrobin', 'range') }));
    expect(again.generationId).toBe(2);
    expect(again.protocolName).toBe('roundrobin'); // a and b vote roundrobin, c votes range
    expect((await j2.promise).protocolName).toBe('roundrobin');
    expect((await j3.promise).generationId).toBe(2);
    expect(again.members.find((m) => m.memberId === j3.value().memberId)!.metadata.toString()).toBe('roundrobin');
  });

  it('members that never send SyncGroup are removed after the rebalance timeout (DelayedSync)', async () => {
    const { coordinator: c, timers } = await fixture();
    const a = await singleStable(c, 'g', 'a');
    const jb = track(c.joinGroup(joinReq({ clientId: 'b' })));
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a.memberId }));
    const rb = await jb.promise;
    // b syncs and waits; the leader a keeps heartbeating but never sends its assignment.
    const sb = track(c.syncGroup({ groupId: 'g', generationId: rb.generationId, memberId: rb.memberId, assignments: [] }));
    for (let t = 0; t < REBALANCE; t += 5000) {
      await timers.advance(5000);
      if (c.groupState('g') === 'CompletingRebalance') expect(c.heartbeat({ groupId: 'g', generationId: ja.generationId, memberId: a.memberId }).errorCode).toBe(0);
    }
    expect(sb.value().errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(c.heartbeat({ groupId: 'g', generationId: ja.generationId, memberId: a.memberId }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const again = await c.joinGroup(joinReq({ clientId: 'b', memberId: rb.memberId }));
    expect(again).toMatchObject({ errorCode: 0, leader: rb.memberId, generationId: ja.generationId + 1 });
  });

  it('a member whose SyncGroup was parked gets a fresh session when it is answered', async () => {
    const { coordinator: c, timers } = await fixture();
    const a = await singleStable(c, 'g', 'a');
    const jb = track(c.joinGroup(joinReq({ clientId: 'b' })));
    const ja = await c.joinGroup(joinReq({ clientId: 'a', memberId: a.memberId }));
    const rb = await jb.promise;
    const sb = track(c.syncGroup({ groupId: 'g', generationId: rb.generationId, memberId: rb.memberId, assignments: [] }));
    for (let t = 0; t < 25_000; t += 5000) {
      await timers.advance(5000);
      expect(c.heartbeat({ groupId: 'g', generationId: ja.generationId, memberId: a.memberId }).errorCode).toBe(0);
    }
    await c.syncGroup({ groupId: 'g', generationId: ja.generationId, memberId: a.memberId, assignments: [{ memberId: rb.memberId, assignment: B }] });
    expect(sb.value()).toMatchObject({ errorCode: 0, assignment: B });
    await timers.advance(SESSION - 1000);
    expect(c.heartbeat({ groupId: 'g', generationId: ja.generationId, memberId: rb.memberId }).errorCode).toBe(0);
  });

  it('a group that only handed out MEMBER_ID_REQUIRED disappears when the pending id expires', async () => {
    const { coordinator: c, timers } = await fixture();
    await c.joinGroup(joinReq({ groupId: 'transient', requireKnownMemberId: true }));
    expect(c.groupState('transient')).toBe('Empty');
    await timers.advance(SESSION);
    expect(c.groupState('transient')).toBe('Dead');
    expect(c.listGroups().groups).toEqual([]);
  });

  it('shutdown answers parked requests with NOT_COORDINATOR', async () => {
    const { coordinator: c } = await fixture();
    const a = await singleStable(c);
    const parked = c.joinGroup(joinReq({ clientId: 'other' })); // waits for a to rejoin
    c.shutdown();
    expect((await parked).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(c.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId }).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
