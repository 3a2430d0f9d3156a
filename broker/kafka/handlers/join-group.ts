/**
 * JoinGroup (key 11), v0-5, onto GroupCoordinator.joinGroup. v0 has no rebalance timeout (the
 * coordinator uses the session timeout); v4+ members without an id first get MEMBER_ID_REQUIRED
 * (KIP-394). The response is held until the rebalance's join phase completes.
 */
import { joinGroup } from '../protocol/apis/join-group.js';
import { defineHandler } from './types.js';

export const joinGroupHandler = defineHandler(joinGroup, async (request, ctx) => {
  const result = await ctx.broker.groups.joinGroup({
    groupId: request.groupId,
    sessionTimeoutMs: request.sessionTimeoutMs,
    rebalanceTimeoutMs: ctx.apiVersion >= 1 && request.rebalanceTimeoutMs > 0 ? request.rebalanceTimeoutMs : undefined,
    memberId: request.memberId ?? '',
    groupInstanceId: request.groupInstanceId ?? null,
    protocolType: request.protocolType,
    protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    clientId: ctx.clientId ?? '',
    clientHost: `/${ctx.connection.remoteAddress}`,
    requireKnownMemberId: ctx.apiVersion >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolName: result.protocolName ?? '',
    leader: result.leader,
    memberId: result.memberId,
    members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
});
