/**
 * SyncGroup: followers park until the leader's SyncGroup brings the assignment; once that is
 * persisted the group becomes Stable and every parked SyncGroup is answered.
 */
import { ErrorCode } from './errors.js';
import { groupRecord } from './persistence.js';
import { scheduleSession } from './sessions.js';
import { completeSync, prepareRebalance } from './transitions.js';
import { syncError, unavailable, type CoordinatorContext } from './context.js';
import type { SyncGroupRequest, SyncGroupResult } from './types.js';

export async function syncGroup(ctx: CoordinatorContext, req: SyncGroupRequest): Promise<SyncGroupResult> {
  const err = unavailable(ctx);
  if (err) return syncError(err);
  if (!req.groupId) return syncError(ErrorCode.INVALID_GROUP_ID);
  const group = ctx.groups.get(req.groupId);
  if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  if (group.state === 'Dead') return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) return syncError(ErrorCode.FENCED_INSTANCE_ID);
  const member = group.members.get(req.memberId);
  if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
  if ((req.protocolType != null && req.protocolType !== group.protocolType) || (req.protocolName != null && req.protocolName !== group.protocolName)) {
    return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  switch (group.state) {
    case 'Empty':
      return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'PreparingRebalance':
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'Stable':
      scheduleSession(ctx, group, member);
      group.pendingSync.delete(member.memberId);
      return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
    case 'CompletingRebalance':
      break;
  }
  member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
  group.pendingSync.delete(member.memberId);
  const result = new Promise<SyncGroupResult>((resolve) => (member.awaitingSync = resolve));
  scheduleSession(ctx, group, member);
  if (member.memberId === group.leaderId) {
    const generation = group.generationId;
    const assignments = new Map<string, Buffer>();
    for (const a of req.assignments) if (group.members.has(a.memberId)) assignments.set(a.memberId, Buffer.from(a.assignment));
    try {
      await ctx.log.append([groupRecord(ctx, group, assignments)]);
    } catch (e) {
      ctx.logger.warn('could not persist group metadata', { groupId: group.groupId, error: (e as Error).message });
      if (group.state === 'CompletingRebalance' && group.generationId === generation) {
        for (const m of group.members.values()) {
          const sync = m.awaitingSync;
          m.awaitingSync = undefined;
          if (sync) scheduleSession(ctx, group, m);
          sync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        prepareRebalance(ctx, group, 'group metadata write failed');
      }
      return result;
    }
    if (group.state === 'CompletingRebalance' && group.generationId === generation) completeSync(ctx, group, assignments);
  }
  return result;
}
