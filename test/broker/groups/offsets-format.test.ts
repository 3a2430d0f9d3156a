import { describe, expect, it } from 'vitest';
import {
  decodeGroupMetadataValue,
  decodeKey,
  decodeOffsetCommitValue,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  groupOfKey,
  javaStringHashCode,
  partitionForGroup,
  type GroupMetadataValue,
} from '../../../broker/groups/offsets-format.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets record format', () => {
  it('OffsetCommitKey v1 is version | group | topic | partition', () => {
    const key = encodeOffsetCommitKey({ group: 'g', topic: 't', partition: 3 });
    expect(key).toEqual(hex('0001 0001 67 0001 74 00000003'));
    expect(decodeKey(key)).toEqual({ type: 'offset', key: { group: 'g', topic: 't', partition: 3 } });
    expect(groupOfKey(key)).toBe('g');
    // v0 keys have the same layout
    expect(decodeKey(hex('0000 0001 67 0001 74 00000003'))).toEqual({ type: 'offset', key: { group: 'g', topic: 't', partition: 3 } });
  });

  it('OffsetCommitValue v3 is version | offset | leaderEpoch | metadata | commitTimestamp', () => {
    const value = encodeOffsetCommitValue({ offset: 42, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000 });
    expect(value).toEqual(hex('0003 000000000000002a 00000005 0001 6d 00000000000003e8'));
    expect(decodeOffsetCommitValue(value)).toEqual({ offset: 42, leaderEpoch: 5, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 });
  });

  it('reads older OffsetCommitValue versions', () => {
    // v1: offset, metadata, commitTimestamp, expireTimestamp
    expect(decodeOffsetCommitValue(hex('0001 0000000000000007 0000 00000000000003e8 ffffffffffffffff'))).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 1000,
      expireTimestamp: -1,
    });
    // v0 and v2: offset, metadata, commitTimestamp
    for (const v of ['0000', '0002']) {
      expect(decodeOffsetCommitValue(hex(`${v} 0000000000000007 0002 6162 0000000000000001`))).toMatchObject({ offset: 7, metadata: 'ab', commitTimestamp: 1 });
    }
    expect(() => decodeOffsetCommitValue(hex('0003 00'))).toThrow(/truncated/);
    expect(() => decodeOffsetCommitValue(hex('0009'))).toThrow(/OffsetCommitValue v9 is not supported/);
  });

  it('GroupMetadataKey v2 is version | group', () => {
    const key = encodeGroupMetadataKey('grp');
    expect(key).toEqual(hex('0002 0003 677270'));
    expect(decodeKey(key)).toEqual({ type: 'group', group: 'grp' });
    expect(decodeKey(hex('0007'))).toEqual({ type: 'unknown', version: 7 });
  });

  it('GroupMetadataValue v1 (no static members) has Kafka\'s exact layout', () => {
    const value: GroupMetadataValue = {
      protocolType: 'consumer',
      generation: 2,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: -1,
      members: [
        { memberId: 'm1', groupInstanceId: null, clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 300, sessionTimeoutMs: 100, subscription: hex('aa'), assignment: hex('bbcc') },
      ],
    };
    const bytes = encodeGroupMetadataValue(value);
    const expected = hex(
      '0001' + '0008' + Buffer.from('consumer').toString('hex') + '00000002' + '0005' + Buffer.from('range').toString('hex') + '0002 6d31' +
        '00000001' + '0002 6d31' + '0001 63' + '0001 68' + '0000012c' + '00000064' + '00000001 aa' + '00000002 bbcc',
    );
    expect(bytes).toEqual(expected);
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
  });

  it('GroupMetadataValue v3 carries the static instance id and state timestamp', () => {
    const value: GroupMetadataValue = {
      protocolType: 'consumer',
      generation: 9,
      protocol: null,
      leader: null,
      currentStateTimestamp: 1234,
      members: [
        { memberId: 'a', groupInstanceId: 'inst', clientId: 'c', clientHost: 'h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 2, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
      ],
    };
    const bytes = encodeGroupMetadataValue(value);
    expect(bytes.readInt16BE(0)).toBe(3);
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
    // v0: no rebalance timeout, no timestamp, no instance id
    const v0 = encodeGroupMetadataValue(value, 0);
    expect(decodeGroupMetadataValue(v0)).toEqual({ ...value, currentStateTimestamp: -1, members: [{ ...value.members[0]!, groupInstanceId: null, rebalanceTimeoutMs: -1 }] });
  });

  it('partitions groups like Kafka: abs(String.hashCode) % n', () => {
    expect(javaStringHashCode('abc')).toBe(96354);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('😀grp')).toBe(1276929186); // UTF-16 code units, as Java
    expect(partitionForGroup('abc', 50)).toBe(4);
    expect(partitionForGroup('my-group', 50)).toBe(12);
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
    expect(partitionForGroup('console-consumer-12345', 50)).toBe(6);
    expect(partitionForGroup('anything', 1)).toBe(0);
  });
});
