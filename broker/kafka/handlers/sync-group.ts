/**
 * SyncGroup (key 14), v0-5, onto GroupCoordinator.syncGroup. v5 carries the protocol type and
 * name, checked against the group's (INCONSISTENT_GROUP_PROTOCOL) and echoed back. Held until the leader's assignment
 * is persisted; every member gets its own assignment bytes (empty when it has none).
 */
import { syncGroup } from '../protocol/apis/sync-group.js';
import { defineHandler } from './types.js';

export const syncGroupHandler = defineHandler(syncGroup, async (request, ctx) => {
  const result = await ctx.broker.groups.syncGroup({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId ?? null,
    protocolType: request.protocolType,
    protocolName: request.protocolName,
    assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    protocolType: result.protocolType,
    protocolName: result.protocolName,
    assignment: result.assignment,
  };
});
