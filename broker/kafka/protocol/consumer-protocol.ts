/**
 * Kafka's byte formats *inside* the group protocol and the `__consumer_offsets` topic, in Kafka's
 * own encoding so that real clients and offset-reading tools (Burrow, kafka-consumer-groups,
 * kcat -C on `__consumer_offsets`) understand what the group coordinator writes. Pure, no I/O.
 *
 * 1. Consumer protocol ("consumer" protocol type): the opaque bytes of JoinGroup
 *    `protocols[].metadata` (ConsumerProtocolSubscription) and SyncGroup `assignment(s)`
 *    (ConsumerProtocolAssignment). Both are `int16 version` + a non-flexible struct.
 *    Layout: apache/kafka clients/.../ConsumerProtocol{Subscription,Assignment}.json (v0-3).
 *    As in Kafka's `ConsumerProtocol.deserialize*`, a version above the highest known one is
 *    parsed with the highest known layout and trailing bytes are ignored (newer versions only
 *    append fields); a negative version is an error.
 *
 * 2. `__consumer_offsets` records (kafka-protocol.md §3.6): the key and value of each record are
 *    `int16 version` + a struct.
 *    - key v0/v1: OffsetCommitKey (group, topic, partition); key v2: GroupMetadataKey (group).
 *      Other key versions (Kafka 3.7+ new-protocol group records) decode as `kind: 'unknown'` so
 *      a loader can skip them.
 *    - value of an offset key: OffsetCommitValue v0-4 (v4 flexible). Kafka writes v1 when an
 *      expire timestamp is set, else v3 — `offsetCommitValueVersion` picks the same way. Burrow
 *      1.2.1 decodes 0, 1 and 3 only.
 *    - value of a group key: GroupMetadataValue v0-4 (v4 flexible). Burrow 1.2.1 reads group
 *      owners from v0/v1 only; Kafka 2.3+ writes v3.
 *    - a null value (tombstone) deletes the offset / group; that is the caller's concern.
 *    Layout: apache/kafka group-coordinator/src/main/resources/common/message/
 *    {OffsetCommitKey,OffsetCommitValue,GroupMetadataKey,GroupMetadataValue}.json.
 *
 * The structs use the same declarative tables and compiler as the request/response codecs.
 * Every decode failure is SluiceError('PROTOCOL_ERROR').
 */
import { Reader, protocolError, setErrorContext } from './reader.js';
import { Writer } from './writer.js';
import { array, compileStruct, struct, type Field, type Message, type MessageCodec, type MessageOf } from './schema.js';

// ---------------------------------------------------------------------------------------------
// Tables

const topicPartition = struct([
  { name: 'topic', type: 'string', versions: '0+' },
  { name: 'partitions', type: array('int32'), versions: '0+' },
]);

export const CONSUMER_SUBSCRIPTION_FIELDS = [
  { name: 'topics', type: array('string'), versions: '0+' },
  { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
  { name: 'ownedPartitions', type: array(topicPartition), versions: '1+' },
  { name: 'generationId', type: 'int32', versions: '2+', default: -1 },
  { name: 'rackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
] as const satisfies readonly Field[];

export const CONSUMER_ASSIGNMENT_FIELDS = [
  { name: 'assignedPartitions', type: array(topicPartition), versions: '0+' },
  { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
] as const satisfies readonly Field[];

export const OFFSET_COMMIT_KEY_FIELDS = [
  { name: 'group', type: 'string', versions: '0-1' },
  { name: 'topic', type: 'string', versions: '0-1' },
  { name: 'partition', type: 'int32', versions: '0-1' },
] as const satisfies readonly Field[];

export const GROUP_METADATA_KEY_FIELDS = [{ name: 'group', type: 'string', versions: '2' }] as const satisfies readonly Field[];

export const OFFSET_COMMIT_VALUE_FIELDS = [
  { name: 'offset', type: 'int64', versions: '0+' },
  { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1 },
  { name: 'metadata', type: 'string', versions: '0+' },
  { name: 'commitTimestamp', type: 'int64', versions: '0+' },
  { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1n },
] as const satisfies readonly Field[];

export const GROUP_METADATA_VALUE_FIELDS = [
  { name: 'protocolType', type: 'string', versions: '0+' },
  { name: 'generation', type: 'int32', versions: '0+' },
  { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
  { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
  { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1n },
  {
    name: 'members',
    type: array(
      struct([
        { name: 'memberId', type: 'string', versions: '0+' },
        { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
        { name: 'clientId', type: 'string', versions: '0+' },
        { name: 'clientHost', type: 'string', versions: '0+' },
        { name: 'rebalanceTimeout', type: 'int32', versions: '1+' },
        { name: 'sessionTimeout', type: 'int32', versions: '0+' },
        { name: 'subscription', type: 'bytes', versions: '0+' },
        { name: 'assignment', type: 'bytes', versions: '0+' },
      ]),
    ),
    versions: '0+',
  },
] as const satisfies readonly Field[];

// ---------------------------------------------------------------------------------------------
// Types (derived from the tables; every field present, absent-in-version fields hold defaults)

export type TopicPartitions = MessageOf<typeof topicPartition.fields>;
export type ConsumerSubscription = MessageOf<typeof CONSUMER_SUBSCRIPTION_FIELDS>;
export type ConsumerAssignment = MessageOf<typeof CONSUMER_ASSIGNMENT_FIELDS>;
export type OffsetCommitValue = MessageOf<typeof OFFSET_COMMIT_VALUE_FIELDS>;
export type GroupMetadataValue = MessageOf<typeof GROUP_METADATA_VALUE_FIELDS>;
export type GroupMetadataMember = GroupMetadataValue['members'][number];

/** Input of an encoder: any field may be left out (the table default is written). */
export type Input<T> = { [K in keyof T]?: T[K] };

export type OffsetsKey =
  | { kind: 'offset'; version: 0 | 1; group: string; topic: string; partition: number }
  | { kind: 'group'; version: 2; group: string }
  /** A key version this broker does not know (e.g. Kafka 3.7+ new-protocol group records). */
  | { kind: 'unknown'; version: number };

// ---------------------------------------------------------------------------------------------
// Versioned struct codec: int16 version + struct

interface Versioned {
  readonly name: string;
  readonly fields: readonly Field[];
  readonly min: number;
  readonly max: number;
  readonly flexibleFrom: number; // first flexible version (Infinity = never)
  /** Parse versions above `max` with the `max` layout (consumer protocol forward compatibility). */
  readonly parseNewerAsMax: boolean;
  readonly cache: Array<MessageCodec | undefined>;
}

function versioned(name: string, fields: readonly Field[], min: number, max: number, flexibleFrom: number, parseNewerAsMax: boolean): Versioned {
  return { name, fields, min, max, flexibleFrom, parseNewerAsMax, cache: [] };
}

const SUBSCRIPTION = versioned('ConsumerProtocolSubscription', CONSUMER_SUBSCRIPTION_FIELDS, 0, 3, Infinity, true);
const ASSIGNMENT = versioned('ConsumerProtocolAssignment', CONSUMER_ASSIGNMENT_FIELDS, 0, 3, Infinity, true);
const OFFSET_KEY = versioned('OffsetCommitKey', OFFSET_COMMIT_KEY_FIELDS, 0, 1, Infinity, false);
const GROUP_KEY = versioned('GroupMetadataKey', GROUP_METADATA_KEY_FIELDS, 2, 2, Infinity, false);
const OFFSET_VALUE = versioned('OffsetCommitValue', OFFSET_COMMIT_VALUE_FIELDS, 0, 4, 4, false);
const GROUP_VALUE = versioned('GroupMetadataValue', GROUP_METADATA_VALUE_FIELDS, 0, 4, 4, false);

function codecFor(t: Versioned, version: number): MessageCodec {
  let c = t.cache[version];
  if (!c) t.cache[version] = c = compileStruct(t.fields, version, version >= t.flexibleFrom);
  return c;
}

function encodeVersioned(t: Versioned, version: number, value: Message): Buffer {
  if (!Number.isInteger(version) || version < t.min || version > t.max) {
    throw protocolError(`${t.name} v${version} is not supported (supported ${t.min}-${t.max})`, -1);
  }
  const w = new Writer(64);
  w.int16(version);
  try {
    codecFor(t, version).encode(w, value);
  } catch (err) {
    setErrorContext(err, `${t.name} v${version}`);
    throw err;
  }
  return Buffer.from(w.finish());
}

/** Decode the struct after an already-read version; trailing bytes are allowed (see header). */
function decodeAt(t: Versioned, version: number, r: Reader): Message {
  let v = version;
  if (v > t.max && t.parseNewerAsMax) v = t.max;
  if (v < t.min || v > t.max) {
    const err = protocolError(`${t.name} v${version} is not supported (supported ${t.min}-${t.max})`, r.offset - 2);
    setErrorContext(err, t.name);
    throw err;
  }
  try {
    return codecFor(t, v).decode(r);
  } catch (err) {
    setErrorContext(err, `${t.name} v${version}`);
    throw err;
  }
}

function readVersion(buf: Buffer, what: string): { r: Reader; version: number } {
  const r = new Reader(buf);
  try {
    return { r, version: r.int16() };
  } catch (err) {
    setErrorContext(err, `${what} version`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Consumer protocol

export const CONSUMER_PROTOCOL_MAX_VERSION = 3;

/** JoinGroup protocol metadata of a consumer. Kafka clients write their highest version. */
export function encodeConsumerSubscription(sub: Input<ConsumerSubscription>, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return encodeVersioned(SUBSCRIPTION, version, sub);
}

export function decodeConsumerSubscription(buf: Buffer): ConsumerSubscription & { version: number } {
  const { r, version } = readVersion(buf, SUBSCRIPTION.name);
  return { version, ...(decodeAt(SUBSCRIPTION, version, r) as ConsumerSubscription) };
}

/** SyncGroup assignment of one consumer. Use the version the member subscribed with (capped at 3). */
export function encodeConsumerAssignment(a: Input<ConsumerAssignment>, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return encodeVersioned(ASSIGNMENT, version, a);
}

export function decodeConsumerAssignment(buf: Buffer): ConsumerAssignment & { version: number } {
  const { r, version } = readVersion(buf, ASSIGNMENT.name);
  return { version, ...(decodeAt(ASSIGNMENT, version, r) as ConsumerAssignment) };
}

// ---------------------------------------------------------------------------------------------
// __consumer_offsets keys

/** Offset commit key; Kafka writes v1 (v0 is identical on the wire). */
export function encodeOffsetCommitKey(k: { group: string; topic: string; partition: number }, version: 0 | 1 = 1): Buffer {
  return encodeVersioned(OFFSET_KEY, version, k);
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return encodeVersioned(GROUP_KEY, 2, { group });
}

export function decodeOffsetsKey(buf: Buffer): OffsetsKey {
  const { r, version } = readVersion(buf, 'OffsetsKey');
  if (version === 0 || version === 1) {
    const k = decodeAt(OFFSET_KEY, version, r) as { group: string; topic: string; partition: number };
    return { kind: 'offset', version, group: k.group, topic: k.topic, partition: k.partition };
  }
  if (version === 2) return { kind: 'group', version, group: (decodeAt(GROUP_KEY, version, r) as { group: string }).group };
  return { kind: 'unknown', version };
}

// ---------------------------------------------------------------------------------------------
// __consumer_offsets values

/** Kafka's choice (GroupMetadataManager/OffsetCommitValue): v1 iff an expire timestamp is set, else v3. */
export function offsetCommitValueVersion(expireTimestamp: bigint = -1n): 1 | 3 {
  return expireTimestamp >= 0n ? 1 : 3;
}

export function encodeOffsetCommitValue(v: Input<OffsetCommitValue>, version: number = offsetCommitValueVersion(v.expireTimestamp)): Buffer {
  return encodeVersioned(OFFSET_VALUE, version, v);
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue & { version: number } {
  const { r, version } = readVersion(buf, OFFSET_VALUE.name);
  return { version, ...(decodeAt(OFFSET_VALUE, version, r) as OffsetCommitValue) };
}

/**
 * Group metadata value. Kafka 2.3+ writes v3 (static membership, state timestamp); Burrow 1.2.1
 * only reads owners from v0/v1 — the caller picks.
 */
export function encodeGroupMetadataValue(v: Input<GroupMetadataValue>, version: number): Buffer {
  return encodeVersioned(GROUP_VALUE, version, v);
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue & { version: number } {
  const { r, version } = readVersion(buf, GROUP_VALUE.name);
  return { version, ...(decodeAt(GROUP_VALUE, version, r) as GroupMetadataValue) };
}
