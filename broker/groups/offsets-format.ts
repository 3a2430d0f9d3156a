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

// ---------------------------------------------------------------------------------- writer

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: number): this {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(BigInt(v));
    this.parts.push(b);
    return this;
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const s = Buffer.from(v, 'utf8');
    if (s.length > 0x7fff) throw new SluiceError('PROTOCOL_ERROR', `string of ${s.length} bytes does not fit an int16 length`);
    this.int16(s.length);
    this.parts.push(s);
    return this;
  }
  bytes(v: Buffer): this {
    this.int32(v.length);
    this.parts.push(v);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}
  private need(n: number): void {
    if (this.pos + n > this.buf.length) {
      throw new SluiceError('PROTOCOL_ERROR', `${this.what}: truncated at byte ${this.pos} (need ${n} of ${this.buf.length - this.pos} left)`);
    }
  }
  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): number {
    this.need(8);
    const v = Number(this.buf.readBigInt64BE(this.pos));
    this.pos += 8;
    return v;
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }
  string(): string {
    return this.nullableString() ?? '';
  }
  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) return Buffer.alloc(0);
    this.need(len);
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return b;
  }
}

// ---------------------------------------------------------------------------------- keys

export function encodeOffsetCommitKey(key: OffsetCommitKey): Buffer {
  return new Writer().int16(1).string(key.group).string(key.topic).int32(key.partition).done();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new Writer().int16(2).string(group).done();
}

export function decodeKey(buf: Buffer): DecodedKey {
  const r = new Reader(buf, '__consumer_offsets key');
  const version = r.int16();
  if (version === 0 || version === 1) return { type: 'offset', key: { group: r.string(), topic: r.string(), partition: r.int32() } };
  if (version === 2) return { type: 'group', group: r.string() };
  return { type: 'unknown', version };
}

/** The group name inside either key type, without decoding the rest; undefined for unknown keys. */
export function groupOfKey(buf: Buffer): string | undefined {
  const k = decodeKey(buf);
  return k.type === 'offset' ? k.key.group : k.type === 'group' ? k.group : undefined;
}

// ---------------------------------------------------------------------------------- offset values

export function encodeOffsetCommitValue(v: Pick<OffsetCommitValue, 'offset' | 'leaderEpoch' | 'metadata' | 'commitTimestamp'>): Buffer {
  return new Writer().int16(3).int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestamp).done();
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const r = new Reader(buf, 'OffsetCommitValue');
  const version = r.int16();
  if (version < 0 || version > 3) throw new SluiceError('PROTOCOL_ERROR', `OffsetCommitValue version ${version} is not supported`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string();
  const commitTimestamp = r.int64();
  const expireTimestamp = version === 1 ? r.int64() : -1;
  return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp };
}

// ---------------------------------------------------------------------------------- group values

export function encodeGroupMetadataValue(v: GroupMetadataValue, version: 0 | 1 | 2 | 3 = chooseGroupValueVersion(v)): Buffer {
  const w = new Writer().int16(version).string(v.protocolType).int32(v.generation).string(v.protocol).string(v.leader);
  if (version >= 2) w.int64(v.currentStateTimestamp);
  w.int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId);
    if (version >= 3) w.string(m.groupInstanceId);
    w.string(m.clientId).string(m.clientHost);
    if (version >= 1) w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return w.done();
}

/** v1 (readable by Burrow 1.2.1) unless a static member needs v3 to keep its instance id. */
export function chooseGroupValueVersion(v: GroupMetadataValue): 1 | 3 {
  return v.members.some((m) => m.groupInstanceId !== null) ? 3 : 1;
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const r = new Reader(buf, 'GroupMetadataValue');
  const version = r.int16();
  if (version < 0 || version > 3) throw new SluiceError('PROTOCOL_ERROR', `GroupMetadataValue version ${version} is not supported`);
  const protocolType = r.string();
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestamp = version >= 2 ? r.int64() : -1;
  const count = r.int32();
  const members: GroupMetadataMemberRecord[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string();
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string();
    const clientHost = r.string();
    const rebalanceTimeoutMs = version >= 1 ? r.int32() : -1;
    const sessionTimeoutMs = r.int32();
    const subscription = r.bytes();
    const assignment = r.bytes();
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment });
  }
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
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
