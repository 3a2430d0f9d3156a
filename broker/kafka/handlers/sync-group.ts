/**
 * SyncGroup (key 14), v0-3, onto GroupCoordinator.syncGroup. Held until the leader's assignment
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
    assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  });
  return { throttleTimeMs: 0, errorCode: result.errorCode, assignment: result.assignment };
});
