/**
 * What every part of the group coordinator shares: its configuration, the groups it owns, the
 * offset log, the injected clock and its own lifecycle status. The coordinator's operations are
 * plain functions over this context (one file per operation); GroupCoordinator is their facade.
 */
import type { Logger } from '../logger.js';
import { ErrorCode } from './errors.js';
import { GroupMetadata } from './group.js';
import type { OffsetLog } from './offset-log.js';
import type { Timers } from './timers.js';
import type { CommittedOffset, JoinGroupRequest, JoinGroupResult, SyncGroupResult } from './types.js';

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms: how long the first rebalance of an Empty group waits for
   * more members (each new joiner extends it, up to the rebalance timeout). Kafka's default is
   * 3000; 0 completes as soon as every known member has joined. */
  initialRebalanceDelayMs: number;
  /** offset.metadata.max.bytes */
  maxOffsetMetadataBytes: number;
}

export const DEFAULT_GROUP_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 0,
  maxOffsetMetadataBytes: 4096,
};

export interface GroupCoordinatorOptions {
  offsetLog: OffsetLog;
  timers?: Timers;
  config?: Partial<GroupCoordinatorConfig>;
  logger?: Logger;
  /** Member id for a new member; default `${prefix}-${uuid}` (prefix: instance id or client id). */
  generateMemberId?: (prefix: string) => string;
}

/** `new` until start() runs; `loading` while the offset log replays; `shutdown` is final. */
export type CoordinatorStatus = 'new' | 'loading' | 'active' | 'shutdown';

export interface CoordinatorContext {
  readonly config: GroupCoordinatorConfig;
  readonly groups: Map<string, GroupMetadata>;
  readonly log: OffsetLog;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly newMemberId: (prefix: string) => string;
  status: CoordinatorStatus;
}

/** A JoinGroup whose rebalance timeout has been defaulted (v0 has none). */
export type NormalizedJoin = JoinGroupRequest & { rebalanceTimeoutMs: number };

export const EMPTY = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export function unavailable(ctx: CoordinatorContext): number {
  if (ctx.status === 'active') return ErrorCode.NONE;
  return ctx.status === 'shutdown' ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
}

export function createGroup(ctx: CoordinatorContext, groupId: string): GroupMetadata {
  const group = new GroupMetadata(groupId, ctx.timers.now());
  ctx.groups.set(groupId, group);
  return group;
}

/** A group created by a JoinGroup that was then refused holds nothing: forget it. */
export function dropIfUnused(ctx: CoordinatorContext, group: GroupMetadata): void {
  if (group.state === 'Empty' && group.members.size === 0 && group.pendingMembers.size === 0 && !group.hasOffsets() && group.generationId === 0) {
    ctx.groups.delete(group.groupId);
  }
}

export function setOffset(group: GroupMetadata, topic: string, partition: number, value: CommittedOffset): void {
  let parts = group.offsets.get(topic);
  if (!parts) group.offsets.set(topic, (parts = new Map()));
  parts.set(partition, value);
}
