/**
 * The rebalance state machine's transitions, one function each (see group.ts for the diagram):
 * - prepareRebalance:  Empty | Stable | CompletingRebalance → PreparingRebalance
 * - completeJoin:      PreparingRebalance → CompletingRebalance, or Empty when nobody rejoined
 * - completeSync:      CompletingRebalance → Stable (the leader's SyncGroup, once persisted)
 * - markDead:          Empty → Dead (DeleteGroups); the group then leaves the map
 * Loading from the offset log creates groups directly in Empty or Stable (persistence.ts), as
 * Kafka does.
 */
import { ErrorCode } from './errors.js';
import type { GroupMetadata } from './group.js';
import { EMPTY, syncError, type CoordinatorContext } from './context.js';
import { persistGroupInBackground } from './persistence.js';
import { cancelRebalanceTimer, cancelSyncTimer, onSyncExpired, removeMember, scheduleSession } from './sessions.js';

/** Starts a rebalance unless one is already preparing (or the group is Dead). */
export function maybePrepareRebalance(ctx: CoordinatorContext, group: GroupMetadata, reason: string): void {
  if (group.state === 'Empty' || group.state === 'Stable' || group.state === 'CompletingRebalance') prepareRebalance(ctx, group, reason);
}

/**
 * Empty | Stable | CompletingRebalance → PreparingRebalance. Parked SyncGroups get
 * REBALANCE_IN_PROGRESS (their generation is over). The phase ends when every member has
 * rejoined, or when the largest rebalance timeout of the members elapses. An Empty group first
 * waits `initialRebalanceDelayMs` for more members to arrive.
 */
export function prepareRebalance(ctx: CoordinatorContext, group: GroupMetadata, reason: string): void {
  const wasEmpty = group.state === 'Empty';
  if (group.state === 'CompletingRebalance') {
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      const sync = m.awaitingSync;
      m.awaitingSync = undefined;
      if (sync) {
        scheduleSession(ctx, group, m); // its session restarts when its request is answered
        sync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
  }
  cancelSyncTimer(ctx, group);
  group.transitionTo('PreparingRebalance', ctx.timers.now());
  ctx.logger.debug('preparing rebalance', { groupId: group.groupId, generationId: group.generationId, reason });
  cancelRebalanceTimer(ctx, group);
  group.newMemberAdded = false;
  const rebalanceTimeout = group.maxRebalanceTimeoutMs();
  const delay = ctx.config.initialRebalanceDelayMs;
  if (wasEmpty && delay > 0) {
    const first = Math.min(delay, rebalanceTimeout);
    group.initialDelayRemainingMs = Math.max(rebalanceTimeout - first, 0);
    group.rebalanceTimer = ctx.timers.setTimeout(() => onInitialDelayExpired(ctx, group), first);
  } else {
    group.initialDelayRemainingMs = undefined;
    group.rebalanceTimer = ctx.timers.setTimeout(() => {
      group.rebalanceTimer = undefined;
      completeJoin(ctx, group);
    }, rebalanceTimeout);
  }
}

/** The initial delay ran out: extend it while new members keep arriving (up to the rebalance
 * timeout), else end the join phase. */
function onInitialDelayExpired(ctx: CoordinatorContext, group: GroupMetadata): void {
  group.rebalanceTimer = undefined;
  const remaining = group.initialDelayRemainingMs ?? 0;
  if (group.newMemberAdded && remaining > 0) {
    group.newMemberAdded = false;
    const next = Math.min(ctx.config.initialRebalanceDelayMs, remaining);
    group.initialDelayRemainingMs = remaining - next;
    group.rebalanceTimer = ctx.timers.setTimeout(() => onInitialDelayExpired(ctx, group), next);
    return;
  }
  group.initialDelayRemainingMs = undefined;
  completeJoin(ctx, group);
}

/** Ends the join phase early once every member has rejoined (and no initial delay is running). */
export function tryCompleteJoin(ctx: CoordinatorContext, group: GroupMetadata): void {
  if (group.state === 'PreparingRebalance' && group.initialDelayRemainingMs === undefined && group.allMembersJoined()) completeJoin(ctx, group);
}

/**
 * PreparingRebalance → CompletingRebalance (or Empty when no member rejoined). Members that did
 * not rejoin are removed; the generation increments; the protocol is chosen by vote; every
 * parked JoinGroup is answered, the leader with the member list.
 */
export function completeJoin(ctx: CoordinatorContext, group: GroupMetadata): void {
  if (group.state !== 'PreparingRebalance') return;
  cancelRebalanceTimer(ctx, group);
  group.initialDelayRemainingMs = undefined;
  for (const m of [...group.members.values()]) {
    if (m.awaitingJoin === undefined) {
      ctx.logger.info('removing member that did not rejoin in time', { groupId: group.groupId, memberId: m.memberId });
      removeMember(ctx, group, m);
    }
  }
  const now = ctx.timers.now();
  group.generationId++;
  if (group.members.size === 0) {
    group.protocolName = null;
    group.leaderId = null;
    group.transitionTo('Empty', now);
    persistGroupInBackground(ctx, group);
    return;
  }
  group.protocolName = group.selectProtocol();
  if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
  group.transitionTo('CompletingRebalance', now);
  ctx.logger.debug('join phase complete', { groupId: group.groupId, generationId: group.generationId, members: group.members.size });
  const memberList = group.currentMemberList();
  for (const id of group.members.keys()) group.pendingSync.add(id);
  const generation = group.generationId;
  group.syncTimer = ctx.timers.setTimeout(() => onSyncExpired(ctx, group, generation), group.maxRebalanceTimeoutMs());
  for (const m of group.members.values()) {
    const answer = m.awaitingJoin!;
    m.awaitingJoin = undefined;
    scheduleSession(ctx, group, m);
    const isLeader = m.memberId === group.leaderId;
    answer({
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId,
      skipAssignment: false,
      memberId: m.memberId,
      members: isLeader ? memberList : [],
    });
  }
}

/** CompletingRebalance → Stable: stores each member's assignment (none = empty bytes) and
 * answers every parked SyncGroup. */
export function completeSync(ctx: CoordinatorContext, group: GroupMetadata, assignments: Map<string, Buffer>): void {
  group.transitionTo('Stable', ctx.timers.now());
  for (const m of group.members.values()) {
    m.assignment = assignments.get(m.memberId) ?? EMPTY;
    const answer = m.awaitingSync;
    m.awaitingSync = undefined;
    if (answer) scheduleSession(ctx, group, m);
    answer?.({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
  }
}

/** Empty → Dead: the group is gone (DeleteGroups). */
export function markDead(ctx: CoordinatorContext, group: GroupMetadata): void {
  for (const t of group.pendingMembers.values()) ctx.timers.clearTimeout(t);
  group.pendingMembers.clear();
  cancelRebalanceTimer(ctx, group);
  cancelSyncTimer(ctx, group);
  group.transitionTo('Dead', ctx.timers.now());
  ctx.groups.delete(group.groupId);
}
