/**
 * Records of the internal topic `__consumer_offsets`, byte for byte as Kafka writes them
 * (group-coordinator/src/main/resources/common/message/{OffsetCommitKey,OffsetCommitValue,
 * GroupMetadataKey,GroupMetadataValue}.json), so offset-reading tools such as Burrow work.
 * Big-endian; strings are int16 length + UTF-8 (-1 = null); bytes are int32 length + data.
 *
 * Written: OffsetCommitKey v1, OffsetCommitValue v3, GroupMetadataKey v2, GroupMetadataValue v1
 * (v3 when a member has a group.instance.id, since only v3 can carry it; Burrow 1.2.1 reads
 * v0/v1 only and skips the rest). Read: offset keys v0/v1, offset values v0-v3, group values v0-v3.
 */
import { SluiceError } from '../errors.js';
import * as wire from '../kafka/protocol/consumer-protocol.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export interface OffsetCommitValue {
  offset: number;
  /** -1 when unknown (and always for value versions below 3). */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only value v1 carries it; -1 otherwise. */
  expireTimestamp: number;
}

export interface GroupMetadataMemberRecord {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** -1 when the record (v0) did not carry it. */
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Buffer;
  assignment: Buffer;
}

export interface GroupMetadataValue {
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when the record (v0/v1) did not carry it. */
  currentStateTimestamp: number;
  members: GroupMetadataMemberRecord[];
}

export type DecodedKey =
  | { type: 'offset'; key: OffsetCommitKey }
  | { type: 'group'; group: string }
  | { type: 'unknown'; version: number };

// ---------------------------------------------------------------------------------- codecs
// The byte layouts are the codec tables in broker/kafka/protocol/consumer-protocol.ts; this module
// only adapts them to the coordinator's number-typed records (int64 offsets and times fit a JS
// number) and copies retained bytes out of the log buffers they were read from.

export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return wire.encodeOffsetCommitKey(key, 1);
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return wire.encodeGroupMetadataKey(group);
}

export function decodeKey(buf: Buffer): DecodedKey {
  const k = wire.decodeOffsetsKey(buf);
  if (k.kind === 'offset') return { type: 'offset', key: { group: k.group, topic: k.topic, partition: k.partition } };
  if (k.kind === 'group') return { type: 'group', group: k.group };
  return { type: 'unknown', version: k.version };
}

/** The group name inside either key type; undefined for unknown keys. */
export function groupOfKey(buf: Buffer): string | undefined {
  const k = decodeKey(buf);
  return k.type === 'offset' ? k.key.group : k.type === 'group' ? k.group : undefined;
}

export function encodeOffsetCommitValue(v: Pick<OffsetCommitValue, 'offset' | 'leaderEpoch' | 'metadata' | 'commitTimestamp'>): Buffer {
  return wire.encodeOffsetCommitValue({ offset: BigInt(v.offset), leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: BigInt(v.commitTimestamp) }, 3);
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const v = wire.decodeOffsetCommitValue(buf);
  if (v.version > 3) throw new SluiceError('PROTOCOL_ERROR', `OffsetCommitValue version ${v.version} is not supported`);
  return {
    offset: Number(v.offset),
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestamp: Number(v.commitTimestamp),
    expireTimestamp: Number(v.expireTimestamp),
  };
}

export function encodeGroupMetadataValue(v: GroupMetadataValue, version: 0 | 1 | 2 | 3 = chooseGroupValueVersion(v)): Buffer {
  return wire.encodeGroupMetadataValue(
    {
      protocolType: v.protocolType,
      generation: v.generation,
      protocol: v.protocol,
      leader: v.leader,
      currentStateTimestamp: BigInt(v.currentStateTimestamp),
      members: v.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.subscription,
        assignment: m.assignment,
      })),
    },
    version,
  );
}

/** v1 (readable by Burrow 1.2.1) unless a static member needs v3 to keep its instance id. */
export function chooseGroupValueVersion(v: GroupMetadataValue): 1 | 3 {
  return v.members.some((m) => m.groupInstanceId !== null) ? 3 : 1;
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const v = wire.decodeGroupMetadataValue(buf);
  if (v.version > 3) throw new SluiceError('PROTOCOL_ERROR', `GroupMetadataValue version ${v.version} is not supported`);
  return {
    protocolType: v.protocolType,
    generation: v.generation,
    protocol: v.protocol,
    leader: v.leader,
    currentStateTimestamp: v.version >= 2 ? Number(v.currentStateTimestamp) : -1,
    members: v.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: v.version >= 1 ? m.rebalanceTimeout : -1,
      sessionTimeoutMs: m.sessionTimeout,
      // Kept for the group's lifetime: copy out of the log read buffer.
      subscription: Buffer.from(m.subscription),
      assignment: Buffer.from(m.assignment),
    })),
  };
}

// ---------------------------------------------------------------------------------- partitioning

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, int32 overflow. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's GroupMetadataManager.partitionFor: Utils.abs(groupId.hashCode) % partitionCount,
 * where Utils.abs(Integer.MIN_VALUE) is 0. */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  const h = javaStringHashCode(groupId);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}
