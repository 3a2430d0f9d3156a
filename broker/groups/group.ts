/**
 * In-memory model of one consumer group and its members (Kafka's GroupMetadata and
 * MemberMetadata). No timers or I/O here: the coordinator owns those. The only way to change
 * `state` is `transitionTo`, which refuses transitions Kafka does not allow.
 *
 *   Empty ──join──▶ PreparingRebalance ──all rejoined / rebalance timeout──▶ CompletingRebalance
 *     ▲                 │      ▲                                                  │
 *     │ no members left │      └── join (new member, leader or changed metadata), ─┤ leader's
 *     └─────────────────┘          leave, session expiry (from CompletingRebalance │ SyncGroup
 *                                  or Stable)                                      ▼
 *   Empty ──DeleteGroups──▶ Dead                                                 Stable
 */
import type { TimerHandle } from './timers.js';
import type { CommittedOffset, GroupProtocol, GroupState, JoinGroupMember, JoinGroupResult, SyncGroupResult } from './types.js';

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Empty', 'Stable', 'CompletingRebalance'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
};

export class MemberMetadata {
  assignment: Buffer = Buffer.alloc(0);
  /** Set while a JoinGroup is parked; a member with a parked request never expires. */
  awaitingJoin: ((result: JoinGroupResult) => void) | undefined;
  awaitingSync: ((result: SyncGroupResult) => void) | undefined;
  sessionTimer: TimerHandle | undefined;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocolType: string,
    public protocols: GroupProtocol[],
  ) {}

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** Same protocols, in the same order, with the same metadata bytes. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  get hasParkedRequest(): boolean {
    return this.awaitingJoin !== undefined || this.awaitingSync !== undefined;
  }
}

export class GroupMetadata {
  private currentState: GroupState = 'Empty';
  stateTimestamp: number;
  /** null for a "simple" group created by a commit from outside any group. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** groupInstanceId → current member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined; value = expiry timer. */
  readonly pendingMembers = new Map<string, TimerHandle>();
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();
  rebalanceTimer: TimerHandle | undefined;
  /** Members that got their JoinGroup answer but have not sent SyncGroup for this generation. */
  readonly pendingSync = new Set<string>();
  /** Kafka's DelayedSync: removes `pendingSync` members when the rebalance timeout passes. */
  syncTimer: TimerHandle | undefined;
  /** Set while the initial rebalance delay (group.initial.rebalance.delay.ms) runs. */
  initialDelayRemainingMs: number | undefined;
  newMemberAdded = false;

  constructor(readonly groupId: string, now: number) {
    this.stateTimestamp = now;
  }

  get state(): GroupState {
    return this.currentState;
  }

  transitionTo(next: GroupState, now: number): void {
    if (!VALID_PREVIOUS[next].includes(this.currentState)) {
      throw new Error(`group ${this.groupId}: illegal transition ${this.currentState} -> ${next}`);
    }
    this.currentState = next;
    this.stateTimestamp = now;
  }

  /** Only for loading persisted state into a fresh group. */
  loadState(state: 'Empty' | 'Stable', now: number): void {
    this.currentState = state;
    this.stateTimestamp = now;
  }

  /** Protocol names every member (except `excluding`) supports. */
  candidateProtocols(excluding?: string): Set<string> | undefined {
    let candidates: Set<string> | undefined;
    for (const m of this.members.values()) {
      if (m.memberId === excluding) continue;
      const names = new Set(m.protocols.map((p) => p.name));
      candidates = candidates === undefined ? names : new Set([...candidates].filter((n) => names.has(n)));
    }
    return candidates;
  }

  /** Whether a member offering these protocols may join (INCONSISTENT_GROUP_PROTOCOL if not). */
  supportsProtocols(protocolType: string, names: readonly string[], excluding?: string): boolean {
    if (protocolType === '' || names.length === 0) return false;
    const candidates = this.candidateProtocols(excluding);
    if (candidates === undefined) return true; // no other member to agree with
    return protocolType === this.protocolType && names.some((n) => candidates.has(n));
  }

  /** Kafka's selectProtocol: candidates supported by all; each member votes for its first
   * supported candidate; most votes win (ties: the candidate voted for first). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols() ?? new Set<string>();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | undefined;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    // JoinGroup validation keeps a common protocol; this fallback only guards timer callbacks
    // (completeJoin runs from one) against throwing.
    return best ?? this.members.values().next().value?.protocols[0]?.name ?? '';
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.awaitingJoin === undefined) return false;
    return true;
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** A request naming this instance id but another member id comes from a replaced (fenced) member. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  currentMemberList(): JoinGroupMember[] {
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(this.protocolName) }));
  }

  hasOffsets(): boolean {
    for (const parts of this.offsets.values()) if (parts.size > 0) return true;
    return false;
  }
}
