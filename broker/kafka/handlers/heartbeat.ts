/** Heartbeat (key 12), v0-4, onto GroupCoordinator.heartbeat (REBALANCE_IN_PROGRESS tells a member to rejoin). */
import { heartbeat } from '../protocol/apis/heartbeat.js';
import { defineHandler } from './types.js';

export const heartbeatHandler = defineHandler(heartbeat, (request, ctx) => {
  const result = ctx.broker.groups.heartbeat({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId ?? null,
  });
  return { throttleTimeMs: 0, errorCode: result.errorCode };
});
