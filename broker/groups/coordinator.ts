/**
 * The consumer-group coordinator of a single-node broker: Kafka's GroupCoordinator without
 * sockets (OffsetDelete included). Methods take plain requests (./types.ts) and return plain
 * results carrying Kafka error codes. JoinGroup and SyncGroup resolve late, when the rebalance
 * phase completes, exactly as Kafka holds those responses.
 *
 * This class is the public face and owns the lifecycle; each operation lives in its own file,
 * as plain functions over the shared CoordinatorContext (context.ts):
 * - join.ts          JoinGroup, static member replacement
 * - sync.ts          SyncGroup
 * - membership.ts    Heartbeat, LeaveGroup
 * - sessions.ts      session and sync timers, member removal
 * - transitions.ts   the rebalance state machine, one function per transition
 * - offsets.ts       OffsetCommit, OffsetFetch;  offset-delete.ts  OffsetDelete
 * - admin.ts         DescribeGroups, ListGroups, DeleteGroups
 * - persistence.ts   group records in the offset log, replay at start
 *
 * Time comes only from the injected Timers, so tests run on a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../logger.js';
import { deleteGroups, describeGroups, groupState, listGroups } from './admin.js';
import { DEFAULT_GROUP_CONFIG, type CoordinatorContext, type GroupCoordinatorConfig, type GroupCoordinatorOptions } from './context.js';
import { ErrorCode } from './errors.js';
import { joinGroup } from './join.js';
import { heartbeat, leaveGroup } from './membership.js';
import { deleteOffsets } from './offset-delete.js';
import { commitOffsets, fetchOffsets } from './offsets.js';
import { replayOffsetLog } from './persistence.js';
import { answerParked, cancelRebalanceTimer, cancelSession, cancelSyncTimer } from './sessions.js';
import { syncGroup } from './sync.js';
import { systemTimers } from './timers.js';
import type {
  DeleteGroupResult,
  DescribedGroup,
  GroupState,
  HeartbeatRequest,
  HeartbeatResult,
  JoinGroupRequest,
  JoinGroupResult,
  LeaveGroupRequest,
  LeaveGroupResult,
  ListedGroup,
  OffsetCommitRequest,
  OffsetCommitResult,
  OffsetDeleteRequest,
  OffsetDeleteResult,
  OffsetFetchRequest,
  OffsetFetchResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './types.js';

export { DEFAULT_GROUP_CONFIG, type GroupCoordinatorConfig, type GroupCoordinatorOptions } from './context.js';

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  private readonly ctx: CoordinatorContext;

  constructor(options: GroupCoordinatorOptions) {
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.ctx = {
      config: this.config,
      groups: new Map(),
      log: options.offsetLog,
      timers: options.timers ?? systemTimers(),
      logger: options.logger ?? createLogger('groups'),
      newMemberId: options.generateMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`),
      status: 'new',
    };
  }

  /** Replays the offset log (last write per key wins, null = tombstone), then serves requests.
   * Until it resolves every request gets COORDINATOR_LOAD_IN_PROGRESS. */
  async start(): Promise<void> {
    if (this.ctx.status !== 'new') throw new Error(`group coordinator is ${this.ctx.status}; start() runs once`);
    this.ctx.status = 'loading';
    await replayOffsetLog(this.ctx);
    this.ctx.status = 'active';
  }

  /** Cancels every timer and answers parked JoinGroup/SyncGroup with NOT_COORDINATOR. */
  shutdown(): void {
    const ctx = this.ctx;
    ctx.status = 'shutdown';
    for (const group of ctx.groups.values()) {
      cancelRebalanceTimer(ctx, group);
      cancelSyncTimer(ctx, group);
      for (const t of group.pendingMembers.values()) ctx.timers.clearTimeout(t);
      for (const m of group.members.values()) {
        cancelSession(ctx, m);
        answerParked(m, ErrorCode.NOT_COORDINATOR);
      }
    }
    ctx.groups.clear();
  }

  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    return joinGroup(this.ctx, req);
  }

  syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    return syncGroup(this.ctx, req);
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResult {
    return heartbeat(this.ctx, req);
  }

  leaveGroup(req: LeaveGroupRequest): LeaveGroupResult {
    return leaveGroup(this.ctx, req);
  }

  commitOffsets(req: OffsetCommitRequest): Promise<OffsetCommitResult> {
    return commitOffsets(this.ctx, req);
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResult {
    return fetchOffsets(this.ctx, req);
  }

  /** Kafka's OffsetDelete (API 47); see offset-delete.ts. */
  deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResult> {
    return deleteOffsets(this.ctx, req);
  }

  describeGroups(groupIds: string[]): DescribedGroup[] {
    return describeGroups(this.ctx, groupIds);
  }

  listGroups(statesFilter: readonly string[] = []): { errorCode: number; groups: ListedGroup[] } {
    return listGroups(this.ctx, statesFilter);
  }

  /** Deletes Empty groups with their committed offsets (tombstones in the offset log). */
  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    return deleteGroups(this.ctx, groupIds);
  }

  /** Read-only view for the console and tests. */
  groupState(groupId: string): GroupState {
    return groupState(this.ctx, groupId);
  }
}
