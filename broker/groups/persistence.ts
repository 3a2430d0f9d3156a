/**
 * The coordinator's side of `__consumer_offsets`: group metadata records written after each
 * generation's assignment, and the replay at start that rebuilds groups and committed offsets
 * (last write per key wins, null value = tombstone).
 */
import { MemberMetadata, type GroupMetadata } from './group.js';
import type { OffsetLogRecord } from './offset-log.js';
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from './offsets-format.js';
import { createGroup, setOffset, type CoordinatorContext } from './context.js';
import { scheduleSession } from './sessions.js';

/** Rebuilds every group and committed offset from the offset log. */
export async function replayOffsetLog(ctx: CoordinatorContext): Promise<void> {
  const offsets = new Map<string, { group: string; topic: string; partition: number; value: OffsetCommitValue }>();
  const groupValues = new Map<string, GroupMetadataValue>();
  let skipped = 0;
  for await (const rec of ctx.log.readAll()) {
    try {
      const key = decodeKey(rec.key);
      if (key.type === 'offset') {
        const id = JSON.stringify([key.key.group, key.key.topic, key.key.partition]);
        if (rec.value === null) offsets.delete(id);
        else offsets.set(id, { ...key.key, value: decodeOffsetCommitValue(rec.value) });
      } else if (key.type === 'group') {
        if (rec.value === null) groupValues.delete(key.group);
        else groupValues.set(key.group, decodeGroupMetadataValue(rec.value));
      } else {
        skipped++;
      }
    } catch (err) {
      skipped++;
      ctx.logger.warn('skipping an unreadable __consumer_offsets record', { error: (err as Error).message });
    }
  }
  const now = ctx.timers.now();
  for (const [groupId, value] of groupValues) loadGroup(ctx, groupId, value, now);
  for (const o of offsets.values()) {
    const group = ctx.groups.get(o.group) ?? createGroup(ctx, o.group);
    setOffset(group, o.topic, o.partition, {
      offset: o.value.offset,
      leaderEpoch: o.value.leaderEpoch,
      metadata: o.value.metadata,
      commitTimestamp: o.value.commitTimestamp,
    });
  }
  ctx.logger.info('group coordinator loaded', { groups: ctx.groups.size, offsets: offsets.size, skipped });
}

export function groupRecord(ctx: CoordinatorContext, group: GroupMetadata, assignments?: Map<string, Buffer>): OffsetLogRecord {
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: ctx.timers.now(),
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: m.metadataFor(group.protocolName),
      assignment: assignments?.get(m.memberId) ?? m.assignment,
    })),
  };
  return { key: encodeGroupMetadataKey(group.groupId), value: encodeGroupMetadataValue(value) };
}

export function persistGroupInBackground(ctx: CoordinatorContext, group: GroupMetadata): void {
  ctx.log.append([groupRecord(ctx, group)]).catch((e: unknown) => {
    ctx.logger.warn('could not persist group metadata', { groupId: group.groupId, error: (e as Error).message });
  });
}

/** A persisted group comes back Empty, or Stable with its members, generation and assignments;
 * each loaded member's session starts now, so members that do not return expire. */
function loadGroup(ctx: CoordinatorContext, groupId: string, value: GroupMetadataValue, now: number): void {
  const group = createGroup(ctx, groupId);
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  group.generationId = value.generation;
  group.protocolName = value.protocol;
  group.leaderId = value.leader;
  if (value.members.length === 0 || value.protocol === null) {
    group.leaderId = null;
    group.loadState('Empty', now);
    return;
  }
  for (const r of value.members) {
    const m = new MemberMetadata(
      r.memberId,
      r.groupInstanceId,
      r.clientId,
      r.clientHost,
      r.sessionTimeoutMs,
      r.rebalanceTimeoutMs > 0 ? r.rebalanceTimeoutMs : r.sessionTimeoutMs,
      value.protocolType,
      [{ name: value.protocol, metadata: r.subscription }],
    );
    m.assignment = r.assignment;
    group.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
  }
  if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
  group.loadState('Stable', now);
  for (const m of group.members.values()) scheduleSession(ctx, group, m);
}
