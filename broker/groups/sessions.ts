/**
 * Member lifetimes: session timers (a member that stops heartbeating expires), the sync timer
 * (members that never send SyncGroup), and removing a member from every index, answering its
 * parked requests.
 */
import { ErrorCode } from './errors.js';
import type { GroupMetadata, MemberMetadata } from './group.js';
import { joinError, syncError, type CoordinatorContext } from './context.js';
import { prepareRebalance, tryCompleteJoin } from './transitions.js';

export function scheduleSession(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata): void {
  cancelSession(ctx, member);
  member.sessionTimer = ctx.timers.setTimeout(() => onSessionExpired(ctx, group, member), member.sessionTimeoutMs);
}

export function cancelSession(ctx: CoordinatorContext, member: MemberMetadata): void {
  if (member.sessionTimer !== undefined) ctx.timers.clearTimeout(member.sessionTimer);
  member.sessionTimer = undefined;
}

export function cancelSyncTimer(ctx: CoordinatorContext, group: GroupMetadata): void {
  if (group.syncTimer !== undefined) ctx.timers.clearTimeout(group.syncTimer);
  group.syncTimer = undefined;
  group.pendingSync.clear();
}

/**
 * The rebalance timeout passed since the join phase completed and some members never sent
 * SyncGroup (Kafka's DelayedSync): remove them and rebalance. Covers a leader that heartbeats
 * but never assigns, which would otherwise hold the group in CompletingRebalance forever.
 */
export function onSyncExpired(ctx: CoordinatorContext, group: GroupMetadata, generation: number): void {
  group.syncTimer = undefined;
  if (group.generationId !== generation || (group.state !== 'CompletingRebalance' && group.state !== 'Stable')) return;
  const missing = [...group.pendingSync].map((id) => group.members.get(id)).filter((m): m is MemberMetadata => m !== undefined);
  group.pendingSync.clear();
  if (missing.length === 0) return;
  ctx.logger.info('removing members that did not send SyncGroup in time', { groupId: group.groupId, members: missing.map((m) => m.memberId) });
  for (const m of missing) removeMember(ctx, group, m);
  prepareRebalance(ctx, group, 'members did not sync in time');
  tryCompleteJoin(ctx, group);
}

export function cancelRebalanceTimer(ctx: CoordinatorContext, group: GroupMetadata): void {
  if (group.rebalanceTimer !== undefined) ctx.timers.clearTimeout(group.rebalanceTimer);
  group.rebalanceTimer = undefined;
}

function onSessionExpired(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata): void {
  member.sessionTimer = undefined;
  if (group.members.get(member.memberId) !== member) return;
  if (member.hasParkedRequest) {
    // It cannot heartbeat while its JoinGroup/SyncGroup is parked: never expire it then.
    scheduleSession(ctx, group, member);
    return;
  }
  ctx.logger.info('member session expired', { groupId: group.groupId, memberId: member.memberId });
  removeMemberAndUpdateGroup(ctx, group, member, `session of ${member.memberId} expired`);
}

export function answerParked(member: MemberMetadata, errorCode: number): void {
  const join = member.awaitingJoin;
  const sync = member.awaitingSync;
  member.awaitingJoin = undefined;
  member.awaitingSync = undefined;
  join?.(joinError(member.memberId, errorCode));
  sync?.(syncError(errorCode));
}

/** Drops the member from every index; parked requests get UNKNOWN_MEMBER_ID. */
export function removeMember(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata): void {
  cancelSession(ctx, member);
  answerParked(member, ErrorCode.UNKNOWN_MEMBER_ID);
  group.members.delete(member.memberId);
  group.pendingSync.delete(member.memberId);
  if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
    group.staticMembers.delete(member.groupInstanceId);
  }
  if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
}

export function removeMemberAndUpdateGroup(ctx: CoordinatorContext, group: GroupMetadata, member: MemberMetadata, reason: string): void {
  removeMember(ctx, group, member);
  if (group.state === 'Stable' || group.state === 'CompletingRebalance') prepareRebalance(ctx, group, reason);
  tryCompleteJoin(ctx, group);
}
