/** DescribeGroups, ListGroups and DeleteGroups. */
import { ErrorCode } from './errors.js';
import type { OffsetLogRecord } from './offset-log.js';
import { encodeGroupMetadataKey, encodeOffsetCommitKey } from './offsets-format.js';
import { EMPTY, unavailable, type CoordinatorContext } from './context.js';
import { markDead } from './transitions.js';
import type { DeleteGroupResult, DescribedGroup, GroupState, ListedGroup } from './types.js';

export function describeGroups(ctx: CoordinatorContext, groupIds: string[]): DescribedGroup[] {
  const err = unavailable(ctx);
  return groupIds.map((groupId): DescribedGroup => {
    if (err) return { errorCode: err, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    const group = ctx.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
    const stable = group.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(group.protocolName) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  });
}

export function listGroups(ctx: CoordinatorContext, statesFilter: readonly string[]): { errorCode: number; groups: ListedGroup[] } {
  const err = unavailable(ctx);
  if (err) return { errorCode: err, groups: [] };
  const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
  const groups: ListedGroup[] = [];
  for (const g of ctx.groups.values()) {
    if (wanted.size > 0 && !wanted.has(g.state.toLowerCase())) continue;
    groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state });
  }
  return { errorCode: ErrorCode.NONE, groups };
}

/** Deletes Empty groups with their committed offsets (tombstones in the offset log). */
export async function deleteGroups(ctx: CoordinatorContext, groupIds: string[]): Promise<DeleteGroupResult[]> {
  const err = unavailable(ctx);
  const results: DeleteGroupResult[] = [];
  for (const groupId of groupIds) {
    if (err) {
      results.push({ groupId, errorCode: err });
      continue;
    }
    const group = ctx.groups.get(groupId);
    if (!group || group.state === 'Dead') {
      results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
      continue;
    }
    if (group.state !== 'Empty') {
      results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
      continue;
    }
    const records: OffsetLogRecord[] = [];
    for (const [topic, parts] of group.offsets) {
      for (const partition of parts.keys()) records.push({ key: encodeOffsetCommitKey({ group: groupId, topic, partition }), value: null });
    }
    records.push({ key: encodeGroupMetadataKey(groupId), value: null });
    try {
      await ctx.log.append(records);
    } catch (e) {
      ctx.logger.warn('group deletion could not be persisted', { groupId, error: (e as Error).message });
      results.push({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
      continue;
    }
    if (ctx.groups.get(groupId) === group && group.state === 'Empty') {
      markDead(ctx, group);
      results.push({ groupId, errorCode: ErrorCode.NONE });
    } else {
      results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
    }
  }
  return results;
}

/** Read-only view for the console and tests. */
export function groupState(ctx: CoordinatorContext, groupId: string): GroupState {
  return ctx.groups.get(groupId)?.state ?? 'Dead';
}
