/**
 * ListGroups (key 16), v0-5, onto GroupCoordinator.listGroups. v4+ filter by state and answer each
 * group's state; v5 filters by type and answers it: every group here is a "classic" group (the
 * JoinGroup/SyncGroup protocol), so a types filter without "classic" (case-insensitive, as Kafka
 * compares them) lists nothing.
 */
import { listGroups } from '../protocol/apis/list-groups.js';
import { defineHandler } from './types.js';

const CLASSIC = 'classic';

export const listGroupsHandler = defineHandler(listGroups, (request, ctx) => {
  const result = ctx.broker.groups.listGroups(ctx.apiVersion >= 4 ? request.statesFilter : []);
  const types = ctx.apiVersion >= 5 ? request.typesFilter.map((t) => t.toLowerCase()) : [];
  const groups = types.length > 0 && !types.includes(CLASSIC) ? [] : result.groups;
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.groupState, groupType: CLASSIC })),
  };
});
