/** DescribeGroups (key 15), v0-5, onto GroupCoordinator.describeGroups. Authorized operations are not computed. */
import { describeGroups } from '../protocol/apis/describe-groups.js';
import { defineHandler } from './types.js';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const describeGroupsHandler = defineHandler(describeGroups, (request, ctx) => ({
  throttleTimeMs: 0,
  groups: ctx.broker.groups.describeGroups(request.groups).map((g) => ({
    errorCode: g.errorCode,
    groupId: g.groupId,
    groupState: g.groupState,
    protocolType: g.protocolType,
    protocolData: g.protocolData,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: m.memberMetadata,
      memberAssignment: m.memberAssignment,
    })),
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  })),
}));
