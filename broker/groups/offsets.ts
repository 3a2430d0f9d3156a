/** OffsetCommit and OffsetFetch: committed offsets are appended to the offset log first and only
 * then become visible in memory, so an answered commit survives a restart. */
import { ErrorCode } from './errors.js';
import type { GroupMetadata } from './group.js';
import type { OffsetLogRecord } from './offset-log.js';
import { encodeOffsetCommitKey, encodeOffsetCommitValue } from './offsets-format.js';
import { createGroup, setOffset, unavailable, type CoordinatorContext } from './context.js';
import { scheduleSession } from './sessions.js';
import type { CommittedOffset, FetchedOffset, OffsetCommitRequest, OffsetCommitResult, OffsetFetchRequest, OffsetFetchResult } from './types.js';

export async function commitOffsets(ctx: CoordinatorContext, req: OffsetCommitRequest): Promise<OffsetCommitResult> {
  const all = (errorCode: number): OffsetCommitResult => ({
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  });
  const notServing = unavailable(ctx);
  if (notServing) return all(notServing);
  const memberId = req.memberId ?? '';
  const instanceId = req.groupInstanceId ?? null;
  let group = ctx.groups.get(req.groupId);
  if (!group) {
    if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
    group = createGroup(ctx, req.groupId); // a "simple" group: offsets only, no members
  }
  const error = validateCommit(group, req.generationId, memberId, instanceId);
  if (error !== ErrorCode.NONE) return all(error);
  const member = group.members.get(memberId);
  if (member && req.generationId >= 0) scheduleSession(ctx, group, member);

  const now = ctx.timers.now();
  const records: OffsetLogRecord[] = [];
  const accepted: { topic: string; partition: number; value: CommittedOffset }[] = [];
  const result: OffsetCommitResult = { topics: [] };
  for (const t of req.topics) {
    const partitions: { partitionIndex: number; errorCode: number }[] = [];
    result.topics.push({ name: t.name, partitions });
    for (const p of t.partitions) {
      const metadata = p.committedMetadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > ctx.config.maxOffsetMetadataBytes) {
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE });
        continue;
      }
      partitions.push({ partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE });
      const value: CommittedOffset = { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata, commitTimestamp: now };
      accepted.push({ topic: t.name, partition: p.partitionIndex, value });
      records.push({ key: encodeOffsetCommitKey({ group: req.groupId, topic: t.name, partition: p.partitionIndex }), value: encodeOffsetCommitValue(value) });
    }
  }
  if (records.length === 0) return result;
  try {
    await ctx.log.append(records);
  } catch (e) {
    ctx.logger.warn('offset commit could not be persisted', { groupId: req.groupId, error: (e as Error).message });
    for (const t of result.topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return result;
  }
  const target = ctx.groups.get(req.groupId) ?? group;
  for (const a of accepted) setOffset(target, a.topic, a.partition, a.value);
  return result;
}

/** Kafka's validateOffsetCommit + doCommitOffsets state checks. */
function validateCommit(group: GroupMetadata, generationId: number, memberId: string, instanceId: string | null): number {
  if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId < 0 && memberId === '' && instanceId === null) {
    // A commit from outside the group: only while nobody consumes in it.
    return group.state === 'Empty' ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
  if (group.isStaticMemberFenced(memberId, instanceId)) return ErrorCode.FENCED_INSTANCE_ID;
  if (!group.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

export function fetchOffsets(ctx: CoordinatorContext, req: OffsetFetchRequest): OffsetFetchResult {
  const err = unavailable(ctx);
  if (err) return { errorCode: err, topics: [] };
  const group = ctx.groups.get(req.groupId);
  const none = (partitionIndex: number): FetchedOffset => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE });
  const found = (partitionIndex: number, o: CommittedOffset): FetchedOffset => ({
    partitionIndex,
    committedOffset: o.offset,
    committedLeaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    errorCode: ErrorCode.NONE,
  });
  if (req.topics === null) {
    const topics: OffsetFetchResult['topics'] = [];
    for (const [name, parts] of group?.offsets ?? []) {
      if (parts.size === 0) continue;
      topics.push({ name, partitions: [...parts].sort((a, b) => a[0] - b[0]).map(([p, o]) => found(p, o)) });
    }
    return { errorCode: ErrorCode.NONE, topics };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => {
        const o = group?.offsets.get(t.name)?.get(p);
        return o ? found(p, o) : none(p);
      }),
    })),
  };
}
