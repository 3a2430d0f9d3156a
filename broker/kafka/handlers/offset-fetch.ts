/**
 * OffsetFetch (key 9), v0-5, onto GroupCoordinator.fetchOffsets. v2+ `topics: null` asks for every
 * committed partition. v2+ carry a top-level error; v0-1 have none, so a group-level error is
 * reported on each requested partition instead.
 */
import { offsetFetch } from '../protocol/apis/offset-fetch.js';
import { defineHandler } from './types.js';

export const offsetFetchHandler = defineHandler(offsetFetch, (request, ctx) => {
  const topics = request.topics ?? null;
  const result = ctx.broker.groups.fetchOffsets({
    groupId: request.groupId,
    topics: topics === null ? null : topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })),
  });
  if (result.errorCode !== 0 && ctx.apiVersion < 2) {
    return {
      throttleTimeMs: 0,
      errorCode: 0,
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
  return {
    throttleTimeMs: 0,
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
});
