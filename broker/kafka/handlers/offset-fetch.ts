/**
 * OffsetFetch (key 9), v0-8, onto GroupCoordinator.fetchOffsets. v2+ `topics: null` asks for every
 * committed partition. v2+ carry a top-level error; v0-1 have none, so a group-level error is
 * reported on each requested partition instead. v7+ `requireStable` needs no wait: with no
 * transactions every committed offset is stable. v8 batches groups (KIP-709), each with its own
 * error and topics.
 */
import { offsetFetch } from '../protocol/apis/offset-fetch.js';
import type { ResponseOf } from '../protocol/index.js';
import { defineHandler, type RequestContext } from './types.js';

type GroupResult = ResponseOf<typeof offsetFetch>['groups'][number];
type TopicRequest = { name: string; partitionIndexes: number[] };

export const offsetFetchHandler = defineHandler(offsetFetch, (request, ctx) => {
  if (ctx.apiVersion >= 8) {
    return { throttleTimeMs: 0, errorCode: 0, topics: [], groups: request.groups.map((g) => fetchGroup(ctx, g.groupId, g.topics ?? null)) };
  }
  const topics = request.topics ?? null;
  const result = fetchGroup(ctx, request.groupId, topics);
  if (result.errorCode !== 0 && ctx.apiVersion < 2) {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [],
      topics: (topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: -1n,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: result.errorCode,
        })),
      })),
    };
  }
  return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.topics, groups: [] };
});

function fetchGroup(ctx: RequestContext, groupId: string, topics: readonly TopicRequest[] | null): GroupResult {
  const result = ctx.broker.groups.fetchOffsets({
    groupId,
    topics: topics === null ? null : topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })),
  });
  return {
    groupId,
    errorCode: result.errorCode,
    topics: result.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: BigInt(p.committedOffset),
        committedLeaderEpoch: p.committedLeaderEpoch,
        metadata: p.metadata,
        errorCode: p.errorCode,
      })),
    })),
  };
}
