/**
 * JoinGroup (key 11), v0-9, onto GroupCoordinator.joinGroup. v0 has no rebalance timeout (the
 * coordinator uses the session timeout); v4+ members without an id first get MEMBER_ID_REQUIRED
 * (KIP-394); v7+ answers the protocol type; v8+ join reasons are logged (KIP-800); v9 answers
 * skipAssignment (below v9 a returning static leader is not told it leads: groups/join.ts).
 * The response is held until the rebalance's join phase completes.
 */
import { joinGroup } from '../protocol/apis/join-group.js';
import { defineHandler } from './types.js';

export const joinGroupHandler = defineHandler(joinGroup, async (request, ctx) => {
  if (request.reason) ctx.broker.logger.debug('join group', { groupId: request.groupId, memberId: request.memberId, reason: request.reason });
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
    supportsSkipAssignment: ctx.apiVersion >= 9,
  });
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Nullable from v7; older versions answer "" while no protocol is selected (an error).
    protocolName: ctx.apiVersion >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leader,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  };
});
