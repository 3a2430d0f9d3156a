/**
 * Plain request/result shapes of the group coordinator. They mirror the Kafka APIs (JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups,
 * DeleteGroups) at their newest fields; the wire handlers map each version onto them. Errors are
 * Kafka error codes (./errors.ts) in `errorCode` fields.
 */

/** Kafka's group states, spelled as DescribeGroups/ListGroups report them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: omit it or pass -1 and the session timeout is used. */
  rebalanceTimeoutMs?: number;
  /** "" for a member that has no id yet. */
  memberId: string;
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: an unknown member first gets MEMBER_ID_REQUIRED with its id (KIP-394). */
  requireKnownMemberId?: boolean;
  /** JoinGroup v9+: the client understands skipAssignment, so a static leader rejoining a Stable
   * group may be told it leads (and must not assign). Below v9 it is not told (KIP-814). */
  supportsSkipAssignment?: boolean;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  /** The member's metadata for the selected protocol. */
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  /** JoinGroup v9: the leader must not compute a new assignment (static leader rejoined). */
  skipAssignment: boolean;
  memberId: string;
  /** Only the leader gets the members; everyone else gets []. */
  members: JoinGroupMember[];
}

export interface SyncGroupAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** SyncGroup v5: checked against the group's when given. */
  protocolType?: string | null;
  protocolName?: string | null;
  /** Only the leader's are used. */
  assignments: SyncGroupAssignment[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface HeartbeatResult {
  errorCode: number;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** LeaveGroup v0-2 carry one member id: pass it as a one-element list. */
  members: { memberId: string; groupInstanceId?: string | null }[];
}

export interface LeaveGroupResult {
  /** Group-level error (v0-2: when it is 0, use the single member's error instead). */
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 for a commit from outside the group (simple consumers, admin tools). */
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  topics: {
    name: string;
    partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch?: number; committedMetadata?: string | null }[];
  }[];
}

export interface OffsetCommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchRequest {
  groupId: string;
  /** null: every committed partition of the group (v2+). */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface FetchedOffset {
  partitionIndex: number;
  /** -1 when nothing is committed. */
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedOffset[] }[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Metadata for the selected protocol; empty unless the group is Stable. */
  memberMetadata: Buffer;
  /** Empty unless the group is Stable. */
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: GroupState;
  protocolType: string;
  /** The selected protocol name when Stable, else "". */
  protocolData: string;
  members: DescribedMember[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: GroupState;
}

export interface DeleteGroupResult {
  groupId: string;
  errorCode: number;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitionIndexes: number[] }[];
}

export interface OffsetDeleteResult {
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}
