/**
 * Reset a group's committed offsets. The plan (dry-run) is computed in any group state; applying
 * commits it through the coordinator as an admin commit (generation -1, no member), which the
 * coordinator accepts only while the group is Empty and persists in __consumer_offsets exactly
 * like a client's OffsetCommit, so it survives restarts and every Kafka tool sees it.
 */
import { ErrorCode } from '../../../groups/index.js';
import { ConnectorError } from '../errors.js';
import { parseRequest } from '../shared/validate.js';
import { resetOffsetsSchema, type ResetOffsetsRequest, type ResetOffsetsResult, type ResetPartitionPlan, type ResetTarget } from '../types/groups.js';
import { requirePartitions, requireTopic, type BuiltinContext } from './context.js';
import { coordinator, describeExisting } from './groups.js';
import { offsetForTimestamp } from './start-position.js';
import { unavailable } from './translate.js';

export async function resetOffsets(ctx: BuiltinContext, request: ResetOffsetsRequest): Promise<ResetOffsetsResult> {
  const r = parseRequest(resetOffsetsSchema, request, ctx.cluster, 'offset reset');
  const group = describeExisting(ctx, r.groupId);
  const topic = requireTopic(ctx, r.topic);
  const partitions = requirePartitions(ctx, topic, r.partitions);
  const groups = coordinator(ctx);
  const committed = groups.fetchOffsets({ groupId: r.groupId, topics: [{ name: topic.name, partitionIndexes: partitions }] });
  const previous = new Map((committed.topics[0]?.partitions ?? []).map((p) => [p.partitionIndex, p.committedOffset >= 0 ? p.committedOffset : null]));
  const plan: ResetPartitionPlan[] = [];
  for (const partition of partitions) {
    const { logStartOffset: low, logEndOffset: high } = ctx.source.store.offsets(topic.name, partition);
    const prev = previous.get(partition) ?? null;
    const wanted = await target(ctx, topic.name, partition, r.to, prev, low, high);
    const newOffset = Math.min(high, Math.max(low, wanted));
    plan.push({ topic: topic.name, partition, previousOffset: prev, newOffset, clamped: newOffset !== wanted });
  }
  const applicable = group.groupState === 'Empty';
  const result: ResetOffsetsResult = { groupId: r.groupId, dryRun: r.dryRun, applicable, groupState: group.groupState, partitions: plan };
  if (r.dryRun) return result;
  if (!applicable) throw activeGroup(ctx.cluster, r.groupId, group.groupState, group.members.length);

  const outcome = await groups.commitOffsets({
    groupId: r.groupId,
    generationId: -1,
    memberId: '',
    topics: [{ name: topic.name, partitions: plan.map((p) => ({ partitionIndex: p.partition, committedOffset: p.newOffset })) }],
  });
  const codes = new Set(outcome.topics.flatMap((t) => t.partitions.map((p) => p.errorCode)));
  codes.delete(ErrorCode.NONE);
  if (codes.size === 0) return result;
  // A member joined between the check and the commit: the coordinator refused it atomically.
  if (codes.has(ErrorCode.UNKNOWN_MEMBER_ID)) throw activeGroup(ctx.cluster, r.groupId, groups.groupState(r.groupId), undefined);
  throw unavailable(ctx.cluster, `committing the reset of "${r.groupId}" failed with coordinator error(s) ${[...codes].join(', ')}`);
}

async function target(ctx: BuiltinContext, topic: string, partition: number, to: ResetTarget, prev: number | null, low: number, high: number): Promise<number> {
  switch (to.kind) {
    case 'earliest':
      return low;
    case 'latest':
      return high;
    case 'offset':
      return to.offset;
    case 'shiftBy':
      return (prev ?? low) + to.delta;
    case 'timestamp':
      // As kafka-consumer-groups --to-datetime: no message that late means the end.
      return (await offsetForTimestamp(ctx.source.store, topic, partition, to.timestamp)) ?? high;
  }
}

function activeGroup(cluster: string, groupId: string, state: string, members: number | undefined): ConnectorError {
  const who = members === undefined ? '' : ` with ${members} member(s)`;
  return new ConnectorError(
    'CONFLICT',
    `consumer group "${groupId}" is ${state}${who}: offsets can only be reset while the group is empty (stop its consumers first)`,
    cluster,
    { state },
  );
}
