/**
 * JoinGroup: new members (with KIP-394's MEMBER_ID_REQUIRED round trip), known members
 * rejoining, and static members (group.instance.id) replacing their previous incarnation. A
 * JoinGroup that starts or joins a rebalance is parked until the join phase completes
 * (transitions.ts answers it).
 */
import { ErrorCode } from './errors.js';
import { MemberMetadata, type GroupMetadata } from './group.js';
import { createGroup, dropIfUnused, joinError, unavailable, type CoordinatorContext, type NormalizedJoin } from './context.js';
import { persistGroupInBackground } from './persistence.js';
import { answerParked, cancelSession, scheduleSession } from './sessions.js';
import { maybePrepareRebalance, tryCompleteJoin } from './transitions.js';
import type { JoinGroupRequest, JoinGroupResult } from './types.js';

export function joinGroup(ctx: CoordinatorContext, req: JoinGroupRequest): Promise<JoinGroupResult> {
  const memberId = req.memberId ?? '';
  const err = unavailable(ctx);
  if (err) return Promise.resolve(joinError(memberId, err));
  if (!req.groupId) return Promise.resolve(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
  if (req.sessionTimeoutMs < ctx.config.minSessionTimeoutMs || req.sessionTimeoutMs > ctx.config.maxSessionTimeoutMs) {
    return Promise.resolve(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
  }
  let group = ctx.groups.get(req.groupId);
  if (!group) {
    if (memberId !== '') return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    group = createGroup(ctx, req.groupId);
  }
  if (group.state === 'Dead') return Promise.resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
  const names = req.protocols.map((p) => p.name);
  if (!group.supportsProtocols(req.protocolType, names, memberId || undefined)) {
    dropIfUnused(ctx, group);
    return Promise.resolve(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  const rebalanceTimeoutMs = req.rebalanceTimeoutMs === undefined || req.rebalanceTimeoutMs <= 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
  const normalized: NormalizedJoin = { ...req, memberId, rebalanceTimeoutMs };
  return memberId === '' ? joinUnknownMember(ctx, group, normalized) : joinKnownMember(ctx, group, normalized);
}

function joinUnknownMember(ctx: CoordinatorContext, group: GroupMetadata, req: NormalizedJoin): Promise<JoinGroupResult> {
  const instanceId = req.groupInstanceId ?? null;
  const memberId = ctx.newMemberId(instanceId ?? req.clientId);
  if (instanceId !== null) {
    // Static members skip MEMBER_ID_REQUIRED; a known instance id replaces the old member.
    const oldId = group.staticMembers.get(instanceId);
    const old = oldId === undefined ? undefined : group.members.get(oldId);
    if (old) return replaceStaticMember(ctx, group, old, memberId, req);
    return addMemberAndRebalance(ctx, group, memberId, req);
  }
  if (req.requireKnownMemberId) {
    const timer = ctx.timers.setTimeout(() => expirePendingMember(ctx, group, memberId), req.sessionTimeoutMs);
    group.pendingMembers.set(memberId, timer);
    return Promise.resolve(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
  }
  return addMemberAndRebalance(ctx, group, memberId, req);
}

function joinKnownMember(ctx: CoordinatorContext, group: GroupMetadata, req: NormalizedJoin): Promise<JoinGroupResult> {
  const pending = group.pendingMembers.get(req.memberId);
  if (pending !== undefined) {
    ctx.timers.clearTimeout(pending);
    group.pendingMembers.delete(req.memberId);
    return addMemberAndRebalance(ctx, group, req.memberId, req);
  }
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) {
    return Promise.resolve(joinError(req.memberId, ErrorCode.FENCED_INSTANCE_ID));
  }
  const member = group.members.get(req.memberId);
  if (!member) return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(ctx, group, member, req);
    case 'CompletingRebalance':
      if (member.matches(req.protocols)) return Promise.resolve(currentJoinResult(ctx, group, member));
      return updateMemberAndRebalance(ctx, group, member, req);
    case 'Stable':
      if (member.memberId === group.leaderId || !member.matches(req.protocols)) return updateMemberAndRebalance(ctx, group, member, req);
      return Promise.resolve(currentJoinResult(ctx, group, member));
    default:
      return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
}

/** The current generation, for a rejoin that changes nothing (refreshes the session). */
function currentJoinResult(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
  scheduleSession(ctx, group, member);
  const isLeader = member.memberId === group.leaderId;
  return {
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: isLeader ? group.currentMemberList() : [],
  };
}

function addMemberAndRebalance(ctx: CoordinatorContext, group: GroupMetadata, memberId: string, req: NormalizedJoin): Promise<JoinGroupResult> {
  const instanceId = req.groupInstanceId ?? null;
  const member = new MemberMetadata(
    memberId,
    instanceId,
    req.clientId,
    req.clientHost,
    req.sessionTimeoutMs,
    req.rebalanceTimeoutMs,
    req.protocolType,
    req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
  );
  if (group.members.size === 0) group.protocolType = req.protocolType;
  group.members.set(memberId, member);
  if (instanceId !== null) group.staticMembers.set(instanceId, memberId);
  if (group.leaderId === null) group.leaderId = memberId;
  if (group.state === 'PreparingRebalance' && group.initialDelayRemainingMs !== undefined) group.newMemberAdded = true;
  const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
  maybePrepareRebalance(ctx, group, `member ${memberId} joined`);
  tryCompleteJoin(ctx, group);
  return result;
}

function updateMemberAndRebalance(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata, req: NormalizedJoin): Promise<JoinGroupResult> {
  member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
  member.protocolType = req.protocolType;
  member.sessionTimeoutMs = req.sessionTimeoutMs;
  member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
  // A second JoinGroup replaces a parked one (the client gave up on the first).
  member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
  cancelSession(ctx, member); // a parked JoinGroup protects the member from expiry
  const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
  maybePrepareRebalance(ctx, group, `member ${member.memberId} rejoined`);
  tryCompleteJoin(ctx, group);
  return result;
}

/**
 * A static member restarted (known instance id, empty member id): the new member id takes the
 * old one's place and the old id is fenced. In a Stable group with unchanged metadata the group
 * keeps its generation and assignment (no rebalance); otherwise the group rebalances.
 */
async function replaceStaticMember(
  ctx: CoordinatorContext,
  group: GroupMetadata,
  old: MemberMetadata,
  newId: string,
  req: NormalizedJoin,
): Promise<JoinGroupResult> {
  const instanceId = old.groupInstanceId!;
  const previousLeader = group.leaderId;
  const unchanged = old.matches(req.protocols);
  cancelSession(ctx, old);
  answerParked(old, ErrorCode.FENCED_INSTANCE_ID);
  const member = new MemberMetadata(
    newId,
    instanceId,
    req.clientId,
    req.clientHost,
    req.sessionTimeoutMs,
    req.rebalanceTimeoutMs,
    req.protocolType,
    req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
  );
  member.assignment = old.assignment;
  // Keep the member's position in the map order (leader choice and member lists follow it).
  const entries = [...group.members.entries()].map(([id, m]): [string, MemberMetadata] => (id === old.memberId ? [newId, member] : [id, m]));
  group.members.clear();
  for (const [id, m] of entries) group.members.set(id, m);
  group.staticMembers.set(instanceId, newId);
  if (group.pendingSync.delete(old.memberId)) group.pendingSync.add(newId);
  if (group.leaderId === old.memberId) group.leaderId = newId;

  if (group.state === 'Stable' && unchanged) {
    scheduleSession(ctx, group, member);
    persistGroupInBackground(ctx, group);
    return unchangedStaticRejoinResult(group, newId, previousLeader, req.supportsSkipAssignment === true);
  }
  const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
  maybePrepareRebalance(ctx, group, `static member ${instanceId} rejoined with new metadata`);
  tryCompleteJoin(ctx, group);
  return result;
}

/**
 * The answer to a static member that rejoined a Stable group without changing anything: the
 * current generation, no rebalance. From JoinGroup v9 a returning leader learns it leads and is
 * told to skip the assignment (KIP-814). Before v9 it cannot be told to skip, and a leader that
 * assigns in a Stable group would have its new assignment never reach the others; so, as Kafka
 * does, the answer names the previous leader id (the member's old id) and no members, and the
 * member does not see itself as leader.
 */
function unchangedStaticRejoinResult(group: GroupMetadata, memberId: string, previousLeader: string | null, supportsSkipAssignment: boolean): JoinGroupResult {
  const isLeader = group.leaderId === memberId;
  const base = { errorCode: ErrorCode.NONE, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, memberId };
  if (!supportsSkipAssignment) return { ...base, leader: previousLeader ?? '', skipAssignment: false, members: [] };
  return { ...base, leader: group.leaderId ?? '', skipAssignment: isLeader, members: isLeader ? group.currentMemberList() : [] };
}

function expirePendingMember(ctx: CoordinatorContext, group: GroupMetadata, memberId: string): void {
  if (!group.pendingMembers.delete(memberId)) return;
  ctx.logger.debug('pending member expired', { groupId: group.groupId, memberId });
  if (group.state === 'PreparingRebalance') tryCompleteJoin(ctx, group);
  if (ctx.groups.get(group.groupId) === group) dropIfUnused(ctx, group);
}
