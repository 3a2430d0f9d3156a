/**
 * Consumer groups of the built-in broker, read from the group coordinator (the same state
 * DescribeGroups/OffsetFetch answer from). Lag is the high watermark minus the committed offset.
 */
import type { DescribedGroup, GroupCoordinator } from '../../../groups/index.js';
import { ErrorCode } from '../../../groups/index.js';
import { decodeConsumerAssignment } from '../../../kafka/protocol/consumer-protocol.js';
import { ConnectorError } from '../errors.js';
import { paginate } from '../shared/paginate.js';
import { parseRequest } from '../shared/validate.js';
import type { Page } from '../types/common.js';
import {
  groupListQuerySchema,
  type GroupDetail,
  type GroupListQuery,
  type GroupMember,
  type GroupPartitionOffset,
  type GroupState,
  type GroupSummary,
} from '../types/groups.js';
import type { BuiltinContext } from './context.js';
import { notFound, unavailable } from './translate.js';

export function coordinator(ctx: BuiltinContext): GroupCoordinator {
  const groups = ctx.source.groups();
  if (!groups) throw unavailable(ctx.cluster, 'the Kafka listener is not running, so there is no group coordinator (SLUICE_KAFKA_ENABLED=false?)');
  return groups;
}

/** Kafka answers a missing group as Dead with no members; so does this coordinator. */
export function describeExisting(ctx: BuiltinContext, groupId: string): DescribedGroup {
  const [described] = coordinator(ctx).describeGroups([groupId]);
  if (!described || described.errorCode !== ErrorCode.NONE) {
    throw unavailable(ctx.cluster, `the group coordinator answered error ${described?.errorCode} for "${groupId}"`);
  }
  if (described.groupState === 'Dead') throw notFound(ctx.cluster, `consumer group "${groupId}"`);
  return described;
}

function membersOf(g: DescribedGroup): GroupMember[] {
  return g.members.map((m) => {
    let assignments: GroupMember['assignments'] = [];
    if (g.protocolType === 'consumer' && m.memberAssignment.length > 0) {
      try {
        assignments = decodeConsumerAssignment(m.memberAssignment).assignedPartitions.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) }));
      } catch {
        // a client-specific assignment format: shown without assignments rather than failing the page
      }
    }
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost, assignments };
  });
}

/** Committed offsets plus every assigned partition without a commit, with lag. Partitions of
 * topics deleted since the commit are left out (there is no end offset to measure against). */
function offsetsOf(ctx: BuiltinContext, groupId: string, members: GroupMember[]): GroupPartitionOffset[] {
  const { store } = ctx.source;
  const owner = new Map<string, string>();
  for (const m of members) for (const a of m.assignments) for (const p of a.partitions) owner.set(`${a.topic}:${p}`, m.memberId);
  const committed = new Map<string, number>();
  const fetched = coordinator(ctx).fetchOffsets({ groupId, topics: null });
  for (const t of fetched.topics) for (const p of t.partitions) if (p.committedOffset >= 0) committed.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
  const keys = new Set([...committed.keys(), ...owner.keys()]);
  const out: GroupPartitionOffset[] = [];
  for (const key of keys) {
    const at = key.lastIndexOf(':');
    const topic = key.slice(0, at);
    const partition = Number(key.slice(at + 1));
    const info = store.getTopic(topic);
    if (!info || partition >= info.partitions) continue;
    const endOffset = store.offsets(topic, partition).logEndOffset;
    const c = committed.get(key);
    out.push({ topic, partition, committedOffset: c ?? null, endOffset, lag: c === undefined ? null : Math.max(0, endOffset - c), memberId: owner.get(key) ?? null });
  }
  return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

function state(s: string): GroupState {
  return (['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead'] as const).find((x) => x === s) ?? 'Unknown';
}

function detailOf(ctx: BuiltinContext, g: DescribedGroup): GroupDetail {
  const memberList = membersOf(g);
  const offsets = offsetsOf(ctx, g.groupId, memberList);
  const lags = offsets.map((o) => o.lag).filter((l): l is number => l !== null);
  return {
    groupId: g.groupId,
    state: state(g.groupState),
    protocolType: g.protocolType,
    members: g.members.length,
    topics: [...new Set(offsets.map((o) => o.topic))].sort(),
    totalLag: lags.length === 0 ? null : lags.reduce((a, b) => a + b, 0),
    assignor: g.protocolData,
    memberList,
    offsets,
  };
}

export function listGroups(ctx: BuiltinContext, query: GroupListQuery | undefined): Page<GroupSummary> {
  const q = parseRequest(groupListQuerySchema, query ?? {}, ctx.cluster, 'group list query');
  const groups = coordinator(ctx);
  const listed = groups.listGroups();
  if (listed.errorCode !== ErrorCode.NONE) throw unavailable(ctx.cluster, `the group coordinator answered error ${listed.errorCode}`);
  const wanted = q.states ? new Set<string>(q.states) : undefined;
  const all = groups
    .describeGroups(listed.groups.map((g) => g.groupId))
    .filter((g) => g.errorCode === ErrorCode.NONE && g.groupState !== 'Dead')
    .map((g): GroupSummary => {
      const { assignor: _a, memberList: _m, offsets: _o, ...summary } = detailOf(ctx, g);
      return summary;
    })
    .filter((g) => !wanted || wanted.has(g.state));
  return paginate(all, q, (g) => g.groupId, {
    name: (g) => g.groupId,
    state: (g) => g.state,
    members: (g) => g.members,
    lag: (g) => g.totalLag ?? -1,
  });
}

export function getGroup(ctx: BuiltinContext, groupId: string): GroupDetail {
  return detailOf(ctx, describeExisting(ctx, groupId));
}

export async function deleteGroup(ctx: BuiltinContext, groupId: string): Promise<void> {
  describeExisting(ctx, groupId);
  const [result] = await coordinator(ctx).deleteGroups([groupId]);
  switch (result?.errorCode) {
    case ErrorCode.NONE:
      return;
    case ErrorCode.GROUP_ID_NOT_FOUND:
      throw notFound(ctx.cluster, `consumer group "${groupId}"`);
    case ErrorCode.NON_EMPTY_GROUP:
      throw new ConnectorError('CONFLICT', `consumer group "${groupId}" has active members; stop its consumers before deleting it`, ctx.cluster);
    default:
      throw unavailable(ctx.cluster, `deleting group "${groupId}" failed with coordinator error ${result?.errorCode}`);
  }
}
