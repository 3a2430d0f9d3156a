/**
 * LeaveGroup (key 13), v0-5, onto GroupCoordinator.leaveGroup. v0-2 carry one member id and
 * answer only a top-level error: the member's own error when the group-level one is 0. v3+ batch
 * members (KIP-345) and answer per member; v5 leave reasons are logged (KIP-800).
 */
import { leaveGroup } from '../protocol/apis/leave-group.js';
import { defineHandler } from './types.js';

export const leaveGroupHandler = defineHandler(leaveGroup, (request, ctx) => {
  const single = ctx.apiVersion < 3;
  const members = single
    ? [{ memberId: request.memberId ?? '', groupInstanceId: null }]
    : (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null }));
  for (const m of request.members ?? []) {
    if (m.reason) ctx.broker.logger.debug('leave group', { groupId: request.groupId, memberId: m.memberId, reason: m.reason });
  }
  const result = ctx.broker.groups.leaveGroup({ groupId: request.groupId, members });
  if (single) {
    const errorCode = result.errorCode !== 0 ? result.errorCode : (result.members[0]?.errorCode ?? 0);
    return { throttleTimeMs: 0, errorCode, members: [] };
  }
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })),
  };
});
