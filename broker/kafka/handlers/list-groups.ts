/** ListGroups (key 16), v0-2, onto GroupCoordinator.listGroups (no states filter below v4). */
import { listGroups } from '../protocol/apis/list-groups.js';
import { defineHandler } from './types.js';

export const listGroupsHandler = defineHandler(listGroups, (_request, ctx) => {
  const result = ctx.broker.groups.listGroups();
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    groups: result.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType })),
  };
});
