/** Heartbeat (keeps a member's session alive) and LeaveGroup (by member id or, for static
 * members, by instance id). */
import { ErrorCode } from './errors.js';
import { unavailable, type CoordinatorContext } from './context.js';
import { removeMemberAndUpdateGroup, scheduleSession } from './sessions.js';
import { tryCompleteJoin } from './transitions.js';
import type { HeartbeatRequest, HeartbeatResult, LeaveGroupRequest, LeaveGroupResult } from './types.js';

export function heartbeat(ctx: CoordinatorContext, req: HeartbeatRequest): HeartbeatResult {
  const err = unavailable(ctx);
  if (err) return { errorCode: err };
  if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID };
  const group = ctx.groups.get(req.groupId);
  if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) return { errorCode: ErrorCode.FENCED_INSTANCE_ID };
  const member = group.members.get(req.memberId);
  if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
  if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
  switch (group.state) {
    case 'Empty':
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    case 'PreparingRebalance':
      scheduleSession(ctx, group, member);
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
    default:
      scheduleSession(ctx, group, member);
      return { errorCode: ErrorCode.NONE };
  }
}

export function leaveGroup(ctx: CoordinatorContext, req: LeaveGroupRequest): LeaveGroupResult {
  const err = unavailable(ctx);
  if (err) return { errorCode: err, members: [] };
  if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
  const group = ctx.groups.get(req.groupId);
  const results: LeaveGroupResult['members'] = [];
  if (group?.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
  for (const leaving of req.members) {
    const instanceId = leaving.groupInstanceId ?? null;
    const out = { memberId: leaving.memberId, groupInstanceId: instanceId, errorCode: ErrorCode.NONE as number };
    results.push(out);
    if (!group) {
      out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      continue;
    }
    let memberId = leaving.memberId;
    if (instanceId !== null) {
      const mapped = group.staticMembers.get(instanceId);
      if (mapped === undefined) {
        out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        continue;
      }
      if (memberId !== '' && memberId !== mapped) {
        out.errorCode = ErrorCode.FENCED_INSTANCE_ID;
        continue;
      }
      memberId = mapped;
    }
    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) {
      ctx.timers.clearTimeout(pending);
      group.pendingMembers.delete(memberId);
      tryCompleteJoin(ctx, group);
      continue;
    }
    const member = group.members.get(memberId);
    if (!member) {
      out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      continue;
    }
    ctx.logger.debug('member left', { groupId: group.groupId, memberId });
    removeMemberAndUpdateGroup(ctx, group, member, `member ${memberId} left`);
  }
  return { errorCode: ErrorCode.NONE, members: results };
}
