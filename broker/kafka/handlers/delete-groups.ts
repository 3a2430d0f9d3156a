/** DeleteGroups (key 42), v0-2, onto GroupCoordinator.deleteGroups (only Empty groups; NON_EMPTY_GROUP else). */
import { deleteGroups } from '../protocol/apis/delete-groups.js';
import { defineHandler } from './types.js';

export const deleteGroupsHandler = defineHandler(deleteGroups, async (request, ctx) => ({
  throttleTimeMs: 0,
  results: await ctx.broker.groups.deleteGroups(request.groupsNames),
}));
