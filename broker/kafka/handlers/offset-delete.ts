/**
 * OffsetDelete (key 47), v0, onto GroupCoordinator.deleteOffsets: the deletion is a tombstone in
 * __consumer_offsets, so it survives a restart; GROUP_SUBSCRIBED_TO_TOPIC for topics an active
 * consumer group subscribes to, GROUP_ID_NOT_FOUND for an unknown group.
 */
import { offsetDelete } from '../protocol/apis/offset-delete.js';
import { defineHandler } from './types.js';

export const offsetDeleteHandler = defineHandler(offsetDelete, async (request, ctx) => {
  const result = await ctx.broker.groups.deleteOffsets({
    groupId: request.groupId,
    topics: request.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.partitionIndex) })),
  });
  return { errorCode: result.errorCode, throttleTimeMs: 0, topics: result.topics };
});
