/**
 * OffsetCommit (key 8), v0-8, onto GroupCoordinator.commitOffsets. v0 has no generation or
 * member id: it commits from outside the group (generation -1). Retention times (v2-4) and the
 * v1 per-partition commit timestamp are accepted and ignored, as newer Kafka does.
 */
import { offsetCommit } from '../protocol/apis/offset-commit.js';
import { defineHandler } from './types.js';

export const offsetCommitHandler = defineHandler(offsetCommit, async (request, ctx) => {
  const v0 = ctx.apiVersion === 0;
  const result = await ctx.broker.groups.commitOffsets({
    groupId: request.groupId,
    generationId: v0 ? -1 : request.generationIdOrMemberEpoch,
    memberId: v0 ? '' : (request.memberId ?? ''),
    groupInstanceId: request.groupInstanceId ?? null,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: Number(p.committedOffset),
        committedLeaderEpoch: p.committedLeaderEpoch,
        committedMetadata: p.committedMetadata,
      })),
    })),
  });
  return { throttleTimeMs: 0, topics: result.topics };
});
