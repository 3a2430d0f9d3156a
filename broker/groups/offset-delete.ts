/** OffsetDelete: which committed offsets may be removed, and their tombstones in the offset log. */
import { decodeConsumerSubscription } from '../kafka/protocol/consumer-protocol.js';
import { ErrorCode } from './errors.js';
import type { GroupMetadata } from './group.js';
import type { OffsetLogRecord } from './offset-log.js';
import { encodeOffsetCommitKey } from './offsets-format.js';
import { unavailable, type CoordinatorContext } from './context.js';
import type { OffsetDeleteRequest, OffsetDeleteResult } from './types.js';

/**
 * Kafka's OffsetDelete (API 47): removes committed offsets of an Empty group, or of topics no
 * member of an active consumer group subscribes to (else GROUP_SUBSCRIBED_TO_TOPIC per
 * partition). Active groups of another protocol type get NON_EMPTY_GROUP.
 */
export async function deleteOffsets(ctx: CoordinatorContext, req: OffsetDeleteRequest): Promise<OffsetDeleteResult> {
  const err = unavailable(ctx);
  if (err) return { errorCode: err, topics: [] };
  const group = ctx.groups.get(req.groupId);
  if (!group || group.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
  let subscribed: (topic: string) => boolean = () => false;
  if (group.state !== 'Empty') {
    if (group.protocolType !== 'consumer') return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const topics = subscribedTopics(group);
    subscribed = topics === undefined ? () => true : (topic) => topics.has(topic);
  }
  const records: OffsetLogRecord[] = [];
  const removed: { topic: string; partition: number }[] = [];
  const result: OffsetDeleteResult = { errorCode: ErrorCode.NONE, topics: [] };
  for (const t of req.topics) {
    const isSubscribed = subscribed(t.name);
    result.topics.push({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        if (isSubscribed) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
        if (group.offsets.get(t.name)?.has(partitionIndex)) {
          removed.push({ topic: t.name, partition: partitionIndex });
          records.push({ key: encodeOffsetCommitKey({ group: req.groupId, topic: t.name, partition: partitionIndex }), value: null });
        }
        return { partitionIndex, errorCode: ErrorCode.NONE };
      }),
    });
  }
  if (records.length === 0) return result;
  try {
    await ctx.log.append(records);
  } catch (e) {
    ctx.logger.warn('offset deletion could not be persisted', { groupId: req.groupId, error: (e as Error).message });
    return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
  }
  for (const r of removed) {
    const parts = group.offsets.get(r.topic);
    parts?.delete(r.partition);
    if (parts?.size === 0) group.offsets.delete(r.topic);
  }
  return result;
}

/**
 * Topics the members of a consumer group subscribe to, read from the consumer protocol's
 * subscription in every protocol each member offers (a superset is the safe side). undefined
 * when some subscription cannot be read.
 */
function subscribedTopics(group: GroupMetadata): Set<string> | undefined {
  const topics = new Set<string>();
  for (const m of group.members.values()) {
    for (const p of m.protocols) {
      try {
        for (const t of decodeConsumerSubscription(p.metadata).topics) topics.add(t);
      } catch {
        return undefined;
      }
    }
  }
  return topics;
}
