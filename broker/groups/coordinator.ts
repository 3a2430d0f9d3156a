/**
 * The consumer-group coordinator of a single-node broker: Kafka's GroupCoordinator without
 * sockets (OffsetDelete included). Methods take plain requests (./types.ts) and return plain results carrying
 * Kafka error codes. JoinGroup and SyncGroup resolve late, when the rebalance phase completes,
 * exactly as Kafka holds those responses.
 *
 * State transitions, one function each (see group.ts for the diagram):
 * - prepareRebalance:  Empty | Stable | CompletingRebalance → PreparingRebalance
 * - completeJoin:      PreparingRebalance → CompletingRebalance, or Empty when nobody rejoined
 * - completeSync:      CompletingRebalance → Stable (the leader's SyncGroup, once persisted)
 * - markDead:          Empty → Dead (DeleteGroups); the group then leaves the map
 * Loading from the offset log creates groups directly in Empty or Stable (as Kafka does).
 *
 * Time comes only from the injected Timers, so tests run on a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, type Logger } from '../logger.js';
import { ErrorCode } from './errors.js';
import { GroupMetadata, MemberMetadata } from './group.js';
import type { OffsetLog, OffsetLogRecord } from './offset-log.js';
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  type GroupMetadataValue,
  type OffsetCommitValue,
} from './offsets-format.js';
import { systemTimers, type Timers } from './timers.js';
import { decodeConsumerSubscription } from '../kafka/protocol/consumer-protocol.js';
import type {
  CommittedOffset,
  DeleteGroupResult,
  DescribedGroup,
  FetchedOffset,
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

type CoordinatorStatus = 'new' | 'loading' | 'active' | 'shutdown';

const EMPTY = Buffer.alloc(0);

function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId, members: [] };
}

function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class GroupCoordinator {
  readonly config: GroupCoordinatorConfig;
  private readonly groups = new Map<string, GroupMetadata>();
  private readonly log: OffsetLog;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly newMemberId: (prefix: string) => string;
  private status: CoordinatorStatus = 'new';

  constructor(options: GroupCoordinatorOptions) {
    this.log = options.offsetLog;
    this.timers = options.timers ?? systemTimers();
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.logger = options.logger ?? createLogger('groups');
    this.newMemberId = options.generateMemberId ?? ((prefix) => `${prefix}-${randomUUID()}`);
  }

  // ------------------------------------------------------------------------------ lifecycle

  /** Replays the offset log (last write per key wins, null = tombstone), then serves requests.
   * Until it resolves every request gets COORDINATOR_LOAD_IN_PROGRESS. */
  async start(): Promise<void> {
    if (this.status !== 'new') throw new Error(`group coordinator is ${this.status}; start() runs once`);
    this.status = 'loading';
    const offsets = new Map<string, { group: string; topic: string; partition: number; value: OffsetCommitValue }>();
    const groupValues = new Map<string, GroupMetadataValue>();
    let skipped = 0;
    for await (const rec of this.log.readAll()) {
      try {
        const key = decodeKey(rec.key);
        if (key.type === 'offset') {
          const id = JSON.stringify([key.key.group, key.key.topic, key.key.partition]);
          if (rec.value === null) offsets.delete(id);
          else offsets.set(id, { ...key.key, value: decodeOffsetCommitValue(rec.value) });
        } else if (key.type === 'group') {
          if (rec.value === null) groupValues.delete(key.group);
          else groupValues.set(key.group, decodeGroupMetadataValue(rec.value));
        } else {
          skipped++;
        }
      } catch (err) {
        skipped++;
        this.logger.warn('skipping an unreadable __consumer_offsets record', { error: (err as Error).message });
      }
    }
    const now = this.timers.now();
    for (const [groupId, value] of groupValues) this.loadGroup(groupId, value, now);
    for (const o of offsets.values()) {
      const group = this.groups.get(o.group) ?? this.createGroup(o.group);
      setOffset(group, o.topic, o.partition, {
        offset: o.value.offset,
        leaderEpoch: o.value.leaderEpoch,
        metadata: o.value.metadata,
        commitTimestamp: o.value.commitTimestamp,
      });
    }
    this.status = 'active';
    this.logger.info('group coordinator loaded', { groups: this.groups.size, offsets: offsets.size, skipped });
  }

  /** Cancels every timer and answers parked JoinGroup/SyncGroup with NOT_COORDINATOR. */
  shutdown(): void {
    this.status = 'shutdown';
    for (const group of this.groups.values()) {
      this.cancelRebalanceTimer(group);
      this.cancelSyncTimer(group);
      for (const t of group.pendingMembers.values()) this.timers.clearTimeout(t);
      for (const m of group.members.values()) {
        this.cancelSession(m);
        this.answerParked(m, ErrorCode.NOT_COORDINATOR);
      }
    }
    this.groups.clear();
  }

  private unavailable(): number {
    if (this.status === 'active') return ErrorCode.NONE;
    return this.status === 'shutdown' ? ErrorCode.NOT_COORDINATOR : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  // ------------------------------------------------------------------------------ JoinGroup

  joinGroup(req: JoinGroupRequest): Promise<JoinGroupResult> {
    const memberId = req.memberId ?? '';
    const err = this.unavailable();
    if (err) return Promise.resolve(joinError(memberId, err));
    if (!req.groupId) return Promise.resolve(joinError(memberId, ErrorCode.INVALID_GROUP_ID));
    if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
      return Promise.resolve(joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (memberId !== '') return Promise.resolve(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.createGroup(req.groupId);
    }
    if (group.state === 'Dead') return Promise.resolve(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const names = req.protocols.map((p) => p.name);
    if (!group.supportsProtocols(req.protocolType, names, memberId || undefined)) {
      this.dropIfUnused(group);
      return Promise.resolve(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const rebalanceTimeoutMs = req.rebalanceTimeoutMs === undefined || req.rebalanceTimeoutMs <= 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
    const normalized: JoinGroupRequest & { rebalanceTimeoutMs: number } = { ...req, memberId, rebalanceTimeoutMs };
    return memberId === '' ? this.joinUnknownMember(group, normalized) : this.joinKnownMember(group, normalized);
  }

  private joinUnknownMember(group: GroupMetadata, req: JoinGroupRequest & { rebalanceTimeoutMs: number }): Promise<JoinGroupResult> {
    const instanceId = req.groupInstanceId ?? null;
    const memberId = this.newMemberId(instanceId ?? req.clientId);
    if (instanceId !== null) {
      // Static members skip MEMBER_ID_REQUIRED; a known instance id replaces the old member.
      const oldId = group.staticMembers.get(instanceId);
      const old = oldId === undefined ? undefined : group.members.get(oldId);
      if (old) return this.replaceStaticMember(group, old, memberId, req);
      return this.addMemberAndRebalance(group, memberId, req);
    }
    if (req.requireKnownMemberId) {
      const timer = this.timers.setTimeout(() => this.expirePendingMember(group, memberId), req.sessionTimeoutMs);
      group.pendingMembers.set(memberId, timer);
      return Promise.resolve(joinError(memberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    return this.addMemberAndRebalance(group, memberId, req);
  }

  private joinKnownMember(group: GroupMetadata, req: JoinGroupRequest & { rebalanceTimeoutMs: number }): Promise<JoinGroupResult> {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      this.timers.clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req);
    }
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) {
      return Promise.resolve(joinError(req.memberId, ErrorCode.FENCED_INSTANCE_ID));
    }
    const member = group.members.get(req.memberId);
    if (!member) return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberAndRebalance(group, member, req);
      case 'CompletingRebalance':
        if (member.matches(req.protocols)) return Promise.resolve(this.currentJoinResult(group, member));
        return this.updateMemberAndRebalance(group, member, req);
      case 'Stable':
        if (member.memberId === group.leaderId || !member.matches(req.protocols)) return this.updateMemberAndRebalance(group, member, req);
        return Promise.resolve(this.currentJoinResult(group, member));
      default:
        return Promise.resolve(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** The current generation, for a rejoin that changes nothing (refreshes the session). */
  private currentJoinResult(group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
    this.scheduleSession(group, member);
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      memberId: member.memberId,
      members: isLeader ? group.currentMemberList() : [],
    };
  }

  private addMemberAndRebalance(group: GroupMetadata, memberId: string, req: JoinGroupRequest & { rebalanceTimeoutMs: number }): Promise<JoinGroupResult> {
    const instanceId = req.groupInstanceId ?? null;
    const member = new MemberMetadata(
      memberId,
      instanceId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocolType,
      req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    );
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    if (instanceId !== null) group.staticMembers.set(instanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.state === 'PreparingRebalance' && group.initialDelayRemainingMs !== undefined) group.newMemberAdded = true;
    const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
    this.maybePrepareRebalance(group, `member ${memberId} joined`);
    this.tryCompleteJoin(group);
    return result;
  }

  private updateMemberAndRebalance(group: GroupMetadata, member: MemberMetadata, req: JoinGroupRequest & { rebalanceTimeoutMs: number }): Promise<JoinGroupResult> {
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
    member.protocolType = req.protocolType;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    // A second JoinGroup replaces a parked one (the client gave up on the first).
    member.awaitingJoin?.(joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    this.cancelSession(member); // a parked JoinGroup protects the member from expiry
    const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
    this.maybePrepareRebalance(group, `member ${member.memberId} rejoined`);
    this.tryCompleteJoin(group);
    return result;
  }

  /**
   * A static member restarted (known instance id, empty member id): the new member id takes the
   * old one's place and the old id is fenced. In a Stable group with unchanged metadata the group
   * keeps its generation and assignment (no rebalance); otherwise the group rebalances.
   */
  private async replaceStaticMember(
    group: GroupMetadata,
    old: MemberMetadata,
    newId: string,
    req: JoinGroupRequest & { rebalanceTimeoutMs: number },
  ): Promise<JoinGroupResult> {
    const instanceId = old.groupInstanceId!;
    const unchanged = old.matches(req.protocols);
    this.cancelSession(old);
    this.answerParked(old, ErrorCode.FENCED_INSTANCE_ID);
    const member = new MemberMetadata(
      newId,
      instanceId,
      req.clientId,
      req.clientHost,
      req.sessionTimeoutMs,
      req.rebalanceTimeoutMs,
      req.protocolType,
      req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    );
    member.assignment = old.assignment;
    // Keep the member's position in the map order (leader choice and member lists follow it).
    const entries = [...group.members.entries()].map(([id, m]): [string, MemberMetadata] => (id === old.memberId ? [newId, member] : [id, m]));
    group.members.clear();
    for (const [id, m] of entries) group.members.set(id, m);
    group.staticMembers.set(instanceId, newId);
    if (group.pendingSync.delete(old.memberId)) group.pendingSync.add(newId);
    if (group.leaderId === old.memberId) group.leaderId = newId;

    if (group.state === 'Stable' && unchanged) {
      this.scheduleSession(group, member);
      this.persistGroupInBackground(group);
      const isLeader = group.leaderId === newId;
      return {
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: isLeader,
        memberId: newId,
        members: isLeader ? group.currentMemberList() : [],
      };
    }
    const result = new Promise<JoinGroupResult>((resolve) => (member.awaitingJoin = resolve));
    this.maybePrepareRebalance(group, `static member ${instanceId} rejoined with new metadata`);
    this.tryCompleteJoin(group);
    return result;
  }

  private expirePendingMember(group: GroupMetadata, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return;
    this.logger.debug('pending member expired', { groupId: group.groupId, memberId });
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    if (this.groups.get(group.groupId) === group) this.dropIfUnused(group);
  }

  // ------------------------------------------------------------------------------ transitions

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.state === 'Empty' || group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group, reason);
  }

  /**
   * Empty | Stable | CompletingRebalance → PreparingRebalance. Parked SyncGroups get
   * REBALANCE_IN_PROGRESS (their generation is over). The phase ends when every member has
   * rejoined, or when the largest rebalance timeout of the members elapses. An Empty group first
   * waits `initialRebalanceDelayMs` for more members to arrive.
   */
  private prepareRebalance(group: GroupMetadata, reason: string): void {
    const wasEmpty = group.state === 'Empty';
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const sync = m.awaitingSync;
        m.awaitingSync = undefined;
        if (sync) {
          this.scheduleSession(group, m); // its session restarts when its request is answered
          sync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        }
      }
    }
    this.cancelSyncTimer(group);
    group.transitionTo('PreparingRebalance', this.timers.now());
    this.logger.debug('preparing rebalance', { groupId: group.groupId, generationId: group.generationId, reason });
    this.cancelRebalanceTimer(group);
    group.newMemberAdded = false;
    const rebalanceTimeout = group.maxRebalanceTimeoutMs();
    const delay = this.config.initialRebalanceDelayMs;
    if (wasEmpty && delay > 0) {
      const first = Math.min(delay, rebalanceTimeout);
      group.initialDelayRemainingMs = Math.max(rebalanceTimeout - first, 0);
      group.rebalanceTimer = this.timers.setTimeout(() => this.onInitialDelayExpired(group), first);
    } else {
      group.initialDelayRemainingMs = undefined;
      group.rebalanceTimer = this.timers.setTimeout(() => {
        group.rebalanceTimer = undefined;
        this.completeJoin(group);
      }, rebalanceTimeout);
    }
  }

  private onInitialDelayExpired(group: GroupMetadata): void {
    group.rebalanceTimer = undefined;
    const remaining = group.initialDelayRemainingMs ?? 0;
    if (group.newMemberAdded && remaining > 0) {
      group.newMemberAdded = false;
      const next = Math.min(this.config.initialRebalanceDelayMs, remaining);
      group.initialDelayRemainingMs = remaining - next;
      group.rebalanceTimer = this.timers.setTimeout(() => this.onInitialDelayExpired(group), next);
      return;
    }
    group.initialDelayRemainingMs = undefined;
    this.completeJoin(group);
  }

  private tryCompleteJoin(group: GroupMetadata): void {
    if (group.state === 'PreparingRebalance' && group.initialDelayRemainingMs === undefined && group.allMembersJoined()) this.completeJoin(group);
  }

  /**
   * PreparingRebalance → CompletingRebalance (or Empty when no member rejoined). Members that did
   * not rejoin are removed; the generation increments; the protocol is chosen by vote; every
   * parked JoinGroup is answered, the leader with the member list.
   */
  private completeJoin(group: GroupMetadata): void {
    if (group.state !== 'PreparingRebalance') return;
    this.cancelRebalanceTimer(group);
    group.initialDelayRemainingMs = undefined;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === undefined) {
        this.logger.info('removing member that did not rejoin in time', { groupId: group.groupId, memberId: m.memberId });
        this.removeMember(group, m);
      }
    }
    const now = this.timers.now();
    group.generationId++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      group.transitionTo('Empty', now);
      this.persistGroupInBackground(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.transitionTo('CompletingRebalance', now);
    this.logger.debug('join phase complete', { groupId: group.groupId, generationId: group.generationId, members: group.members.size });
    const memberList = group.currentMemberList();
    for (const id of group.members.keys()) group.pendingSync.add(id);
    const generation = group.generationId;
    group.syncTimer = this.timers.setTimeout(() => this.onSyncExpired(group, generation), group.maxRebalanceTimeoutMs());
    for (const m of group.members.values()) {
      const answer = m.awaitingJoin!;
      m.awaitingJoin = undefined;
      this.scheduleSession(group, m);
      const isLeader = m.memberId === group.leaderId;
      answer({
        errorCode: ErrorCode.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId,
        skipAssignment: false,
        memberId: m.memberId,
        members: isLeader ? memberList : [],
      });
    }
  }

  /** CompletingRebalance → Stable: stores each member's assignment (none = empty bytes) and
   * answers every parked SyncGroup. */
  private completeSync(group: GroupMetadata, assignments: Map<string, Buffer>): void {
    group.transitionTo('Stable', this.timers.now());
    for (const m of group.members.values()) {
      m.assignment = assignments.get(m.memberId) ?? EMPTY;
      const answer = m.awaitingSync;
      m.awaitingSync = undefined;
      if (answer) this.scheduleSession(group, m);
      answer?.({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: m.assignment });
    }
  }

  /** Empty → Dead: the group is gone (DeleteGroups). */
  private markDead(group: GroupMetadata): void {
    for (const t of group.pendingMembers.values()) this.timers.clearTimeout(t);
    group.pendingMembers.clear();
    this.cancelRebalanceTimer(group);
    this.cancelSyncTimer(group);
    group.transitionTo('Dead', this.timers.now());
    this.groups.delete(group.groupId);
  }

  // ------------------------------------------------------------------------------ members

  private scheduleSession(group: GroupMetadata, member: MemberMetadata): void {
    this.cancelSession(member);
    member.sessionTimer = this.timers.setTimeout(() => this.onSessionExpired(group, member), member.sessionTimeoutMs);
  }

  private cancelSession(member: MemberMetadata): void {
    if (member.sessionTimer !== undefined) this.timers.clearTimeout(member.sessionTimer);
    member.sessionTimer = undefined;
  }

  private cancelSyncTimer(group: GroupMetadata): void {
    if (group.syncTimer !== undefined) this.timers.clearTimeout(group.syncTimer);
    group.syncTimer = undefined;
    group.pendingSync.clear();
  }

  /**
   * The rebalance timeout passed since the join phase completed and some members never sent
   * SyncGroup (Kafka's DelayedSync): remove them and rebalance. Covers a leader that heartbeats
   * but never assigns, which would otherwise hold the group in CompletingRebalance forever.
   */
  private onSyncExpired(group: GroupMetadata, generation: number): void {
    group.syncTimer = undefined;
    if (group.generationId !== generation || (group.state !== 'CompletingRebalance' && group.state !== 'Stable')) return;
    const missing = [...group.pendingSync].map((id) => group.members.get(id)).filter((m): m is MemberMetadata => m !== undefined);
    group.pendingSync.clear();
    if (missing.length === 0) return;
    this.logger.info('removing members that did not send SyncGroup in time', { groupId: group.groupId, members: missing.map((m) => m.memberId) });
    for (const m of missing) this.removeMember(group, m);
    this.prepareRebalance(group, 'members did not sync in time');
    this.tryCompleteJoin(group);
  }

  private cancelRebalanceTimer(group: GroupMetadata): void {
    if (group.rebalanceTimer !== undefined) this.timers.clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = undefined;
  }

  private onSessionExpired(group: GroupMetadata, member: MemberMetadata): void {
    member.sessionTimer = undefined;
    if (group.members.get(member.memberId) !== member) return;
    if (member.hasParkedRequest) {
      // It cannot heartbeat while its JoinGroup/SyncGroup is parked: never expire it then.
      this.scheduleSession(group, member);
      return;
    }
    this.logger.info('member session expired', { groupId: group.groupId, memberId: member.memberId });
    this.removeMemberAndUpdateGroup(group, member, `session of ${member.memberId} expired`);
  }

  private answerParked(member: MemberMetadata, errorCode: number): void {
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = undefined;
    member.awaitingSync = undefined;
    join?.(joinError(member.memberId, errorCode));
    sync?.(syncError(errorCode));
  }

  /** Drops the member from every index; parked requests get UNKNOWN_MEMBER_ID. */
  private removeMember(group: GroupMetadata, member: MemberMetadata): void {
    this.cancelSession(member);
    this.answerParked(member, ErrorCode.UNKNOWN_MEMBER_ID);
    group.members.delete(member.memberId);
    group.pendingSync.delete(member.memberId);
    if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    this.removeMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group, reason);
    this.tryCompleteJoin(group);
  }

  // ------------------------------------------------------------------------------ SyncGroup

  async syncGroup(req: SyncGroupRequest): Promise<SyncGroupResult> {
    const err = this.unavailable();
    if (err) return syncError(err);
    if (!req.groupId) return syncError(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(req.groupId);
    if (!group) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.state === 'Dead') return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) return syncError(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.members.get(req.memberId);
    if (!member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if ((req.protocolType != null && req.protocolType !== group.protocolType) || (req.protocolName != null && req.protocolName !== group.protocolName)) {
      return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    switch (group.state) {
      case 'Empty':
        return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.scheduleSession(group, member);
        group.pendingSync.delete(member.memberId);
        return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
      case 'CompletingRebalance':
        break;
    }
    member.awaitingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    group.pendingSync.delete(member.memberId);
    const result = new Promise<SyncGroupResult>((resolve) => (member.awaitingSync = resolve));
    this.scheduleSession(group, member);
    if (member.memberId === group.leaderId) {
      const generation = group.generationId;
      const assignments = new Map<string, Buffer>();
      for (const a of req.assignments) if (group.members.has(a.memberId)) assignments.set(a.memberId, Buffer.from(a.assignment));
      try {
        await this.log.append([this.groupRecord(group, assignments)]);
      } catch (e) {
        this.logger.warn('could not persist group metadata', { groupId: group.groupId, error: (e as Error).message });
        if (group.state === 'CompletingRebalance' && group.generationId === generation) {
          for (const m of group.members.values()) {
            const sync = m.awaitingSync;
            m.awaitingSync = undefined;
            if (sync) this.scheduleSession(group, m);
            sync?.(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
          }
          this.prepareRebalance(group, 'group metadata write failed');
        }
        return result;
      }
      if (group.state === 'CompletingRebalance' && group.generationId === generation) this.completeSync(group, assignments);
    }
    return result;
  }

  // ------------------------------------------------------------------------------ Heartbeat

  heartbeat(req: HeartbeatRequest): HeartbeatResult {
    const err = this.unavailable();
    if (err) return { errorCode: err };
    if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID };
    const group = this.groups.get(req.groupId);
    if (!group) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId ?? null)) return { errorCode: ErrorCode.FENCED_INSTANCE_ID };
    const member = group.members.get(req.memberId);
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
    if (req.generationId !== group.generationId) return { errorCode: ErrorCode.ILLEGAL_GENERATION };
    switch (group.state) {
      case 'Empty':
        return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      case 'PreparingRebalance':
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS };
      default:
        this.scheduleSession(group, member);
        return { errorCode: ErrorCode.NONE };
    }
  }

  // ------------------------------------------------------------------------------ LeaveGroup

  leaveGroup(req: LeaveGroupRequest): LeaveGroupResult {
    const err = this.unavailable();
    if (err) return { errorCode: err, members: [] };
    if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(req.groupId);
    const results: LeaveGroupResult['members'] = [];
    if (group?.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    for (const leaving of req.members) {
      const instanceId = leaving.groupInstanceId ?? null;
      const out = { memberId: leaving.memberId, groupInstanceId: instanceId, errorCode: ErrorCode.NONE as number };
      results.push(out);
      if (!group) {
        out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        continue;
      }
      let memberId = leaving.memberId;
      if (instanceId !== null) {
        const mapped = group.staticMembers.get(instanceId);
        if (mapped === undefined) {
          out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
          continue;
        }
        if (memberId !== '' && memberId !== mapped) {
          out.errorCode = ErrorCode.FENCED_INSTANCE_ID;
          continue;
        }
        memberId = mapped;
      }
      const pending = group.pendingMembers.get(memberId);
      if (pending !== undefined) {
        this.timers.clearTimeout(pending);
        group.pendingMembers.delete(memberId);
        this.tryCompleteJoin(group);
        continue;
      }
      const member = group.members.get(memberId);
      if (!member) {
        out.errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        continue;
      }
      this.logger.debug('member left', { groupId: group.groupId, memberId });
      this.removeMemberAndUpdateGroup(group, member, `member ${memberId} left`);
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  // ------------------------------------------------------------------------------ offsets

  async commitOffsets(req: OffsetCommitRequest): Promise<OffsetCommitResult> {
    const all = (errorCode: number): OffsetCommitResult => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    const unavailable = this.unavailable();
    if (unavailable) return all(unavailable);
    const memberId = req.memberId ?? '';
    const instanceId = req.groupInstanceId ?? null;
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.createGroup(req.groupId); // a "simple" group: offsets only, no members
    }
    const error = this.validateCommit(group, req.generationId, memberId, instanceId);
    if (error !== ErrorCode.NONE) return all(error);
    const member = group.members.get(memberId);
    if (member && req.generationId >= 0) this.scheduleSession(group, member);

    const now = this.timers.now();
    const records: OffsetLogRecord[] = [];
    const accepted: { topic: string; partition: number; value: CommittedOffset }[] = [];
    const result: OffsetCommitResult = { topics: [] };
    for (const t of req.topics) {
      const partitions: { partitionIndex: number; errorCode: number }[] = [];
      result.topics.push({ name: t.name, partitions });
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        if (Buffer.byteLength(metadata, 'utf8') > this.config.maxOffsetMetadataBytes) {
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
      await this.log.append(records);
    } catch (e) {
      this.logger.warn('offset commit could not be persisted', { groupId: req.groupId, error: (e as Error).message });
      for (const t of result.topics) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return result;
    }
    const target = this.groups.get(req.groupId) ?? group;
    for (const a of accepted) setOffset(target, a.topic, a.partition, a.value);
    return result;
  }

  /** Kafka's validateOffsetCommit + doCommitOffsets state checks. */
  private validateCommit(group: GroupMetadata, generationId: number, memberId: string, instanceId: string | null): number {
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

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResult {
    const err = this.unavailable();
    if (err) return { errorCode: err, topics: [] };
    const group = this.groups.get(req.groupId);
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

  /**
   * Kafka's OffsetDelete (API 47): removes committed offsets of an Empty group, or of topics no
   * member of an active consumer group subscribes to (else GROUP_SUBSCRIBED_TO_TOPIC per
   * partition). Active groups of another protocol type get NON_EMPTY_GROUP.
   */
  async deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResult> {
    const err = this.unavailable();
    if (err) return { errorCode: err, topics: [] };
    const group = this.groups.get(req.groupId);
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
      await this.log.append(records);
    } catch (e) {
      this.logger.warn('offset deletion could not be persisted', { groupId: req.groupId, error: (e as Error).message });
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    }
    for (const r of removed) {
      const parts = group.offsets.get(r.topic);
      parts?.delete(r.partition);
      if (parts?.size === 0) group.offsets.delete(r.topic);
    }
    return result;
  }

  // ------------------------------------------------------------------------------ admin

  describeGroups(groupIds: string[]): DescribedGroup[] {
    const err = this.unavailable();
    return groupIds.map((groupId): DescribedGroup => {
      if (err) return { errorCode: err, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
      const group = this.groups.get(groupId);
      if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadataFor(group.protocolName) : EMPTY,
          memberAssignment: stable ? m.assignment : EMPTY,
        })),
      };
    });
  }

  listGroups(statesFilter: readonly string[] = []): { errorCode: number; groups: ListedGroup[] } {
    const err = this.unavailable();
    if (err) return { errorCode: err, groups: [] };
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    const groups: ListedGroup[] = [];
    for (const g of this.groups.values()) {
      if (wanted.size > 0 && !wanted.has(g.state.toLowerCase())) continue;
      groups.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state });
    }
    return { errorCode: ErrorCode.NONE, groups };
  }

  /** Deletes Empty groups with their committed offsets (tombstones in the offset log). */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    const err = this.unavailable();
    const results: DeleteGroupResult[] = [];
    for (const groupId of groupIds) {
      if (err) {
        results.push({ groupId, errorCode: err });
        continue;
      }
      const group = this.groups.get(groupId);
      if (!group || group.state === 'Dead') {
        results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
        continue;
      }
      if (group.state !== 'Empty') {
        results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
        continue;
      }
      const records: OffsetLogRecord[] = [];
      for (const [topic, parts] of group.offsets) {
        for (const partition of parts.keys()) records.push({ key: encodeOffsetCommitKey({ group: groupId, topic, partition }), value: null });
      }
      records.push({ key: encodeGroupMetadataKey(groupId), value: null });
      try {
        await this.log.append(records);
      } catch (e) {
        this.logger.warn('group deletion could not be persisted', { groupId, error: (e as Error).message });
        results.push({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
        continue;
      }
      if (this.groups.get(groupId) === group && group.state === 'Empty') {
        this.markDead(group);
        results.push({ groupId, errorCode: ErrorCode.NONE });
      } else {
        results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
      }
    }
    return results;
  }

  /** Read-only view for the console and tests. */
  groupState(groupId: string): GroupState {
    return this.groups.get(groupId)?.state ?? 'Dead';
  }

  // ------------------------------------------------------------------------------ persistence

  private createGroup(groupId: string): GroupMetadata {
    const group = new GroupMetadata(groupId, this.timers.now());
    this.groups.set(groupId, group);
    return group;
  }

  /** A group created by a JoinGroup that was then refused holds nothing: forget it. */
  private dropIfUnused(group: GroupMetadata): void {
    if (group.state === 'Empty' && group.members.size === 0 && group.pendingMembers.size === 0 && !group.hasOffsets() && group.generationId === 0) {
      this.groups.delete(group.groupId);
    }
  }

  private groupRecord(group: GroupMetadata, assignments?: Map<string, Buffer>): OffsetLogRecord {
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: this.timers.now(),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: m.metadataFor(group.protocolName),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    };
    return { key: encodeGroupMetadataKey(group.groupId), value: encodeGroupMetadataValue(value) };
  }

  private persistGroupInBackground(group: GroupMetadata): void {
    this.log.append([this.groupRecord(group)]).catch((e: unknown) => {
      this.logger.warn('could not persist group metadata', { groupId: group.groupId, error: (e as Error).message });
    });
  }

  /** A persisted group comes back Empty, or Stable with its members, generation and assignments;
   * each loaded member's session starts now, so members that do not return expire. */
  private loadGroup(groupId: string, value: GroupMetadataValue, now: number): void {
    const group = this.createGroup(groupId);
    group.protocolType = value.protocolType === '' ? null : value.protocolType;
    group.generationId = value.generation;
    group.protocolName = value.protocol;
    group.leaderId = value.leader;
    if (value.members.length === 0 || value.protocol === null) {
      group.leaderId = null;
      group.loadState('Empty', now);
      return;
    }
    for (const r of value.members) {
      const m = new MemberMetadata(
        r.memberId,
        r.groupInstanceId,
        r.clientId,
        r.clientHost,
        r.sessionTimeoutMs,
        r.rebalanceTimeoutMs > 0 ? r.rebalanceTimeoutMs : r.sessionTimeoutMs,
        value.protocolType,
        [{ name: value.protocol, metadata: r.subscription }],
      );
      m.assignment = r.assignment;
      group.members.set(m.memberId, m);
      if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
    }
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!;
    group.loadState('Stable', now);
    for (const m of group.members.values()) this.scheduleSession(group, m);
  }
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

function setOffset(group: GroupMetadata, topic: string, partition: number, value: CommittedOffset): void {
  let parts = group.offsets.get(topic);
  if (!parts) group.offsets.set(topic, (parts = new Map()));
  parts.set(partition, value);
}
