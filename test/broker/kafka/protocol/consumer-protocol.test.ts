/**
 * consumer-protocol.ts: consumer subscription/assignment bytes and `__consumer_offsets` records.
 * Round trips at every version (generators from arbitrary.ts over the same tables), hand-checked
 * bytes in Kafka's format (kafka-protocol.md §3.6), Kafka's forward-compatibility rules, and a
 * cross-check with kafkajs 2.2.4's `assignerProtocol.js` (MemberMetadata / MemberAssignment).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CONSUMER_ASSIGNMENT_FIELDS,
  CONSUMER_SUBSCRIPTION_FIELDS,
  GROUP_METADATA_VALUE_FIELDS,
  OFFSET_COMMIT_VALUE_FIELDS,
  decodeConsumerAssignment,
  decodeConsumerSubscription,
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
  encodeConsumerAssignment,
  encodeConsumerSubscription,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  offsetCommitValueVersion,
} from '../../../../broker/kafka/protocol/consumer-protocol.js';
import type { Field, Message } from '../../../../broker/kafka/protocol/schema.js';
import { isSluiceError } from '../../../../broker/errors.js';
import { expectedAfterRoundTrip, messageArb } from './arbitrary.js';

const require = createRequire(import.meta.url);
interface KafkajsAssignerProtocol {
  MemberMetadata: {
    encode(m: { version: number; topics: string[]; userData?: Buffer }): Buffer;
    decode(b: Buffer): { version: number; topics: string[]; userData: Buffer | null };
  };
  MemberAssignment: {
    encode(a: { version: number; assignment: Record<string, number[]>; userData?: Buffer }): Buffer;
    decode(b: Buffer): { version: number; assignment: Record<string, number[]>; userData: Buffer | null } | null;
  };
}
const { MemberMetadata, MemberAssignment } = require('kafkajs/src/consumer/assignerProtocol.js') as KafkajsAssignerProtocol;

function hex(...parts: string[]): string {
  return parts.join('');
}
function str(s: string): string {
  const b = Buffer.from(s);
  return b.length.toString(16).padStart(4, '0') + b.toString('hex');
}

interface Case {
  name: string;
  fields: readonly Field[];
  versions: number[];
  flexibleFrom: number;
  encode: (m: Message, v: number) => Buffer;
  decode: (b: Buffer) => Message;
}

const CASES: Case[] = [
  {
    name: 'ConsumerProtocolSubscription',
    fields: CONSUMER_SUBSCRIPTION_FIELDS,
    versions: [0, 1, 2, 3],
    flexibleFrom: Infinity,
    encode: (m, v) => encodeConsumerSubscription(m, v),
    decode: decodeConsumerSubscription,
  },
  {
    name: 'ConsumerProtocolAssignment',
    fields: CONSUMER_ASSIGNMENT_FIELDS,
    versions: [0, 1, 2, 3],
    flexibleFrom: Infinity,
    encode: (m, v) => encodeConsumerAssignment(m, v),
    decode: decodeConsumerAssignment,
  },
  {
    name: 'OffsetCommitValue',
    fields: OFFSET_COMMIT_VALUE_FIELDS,
    versions: [0, 1, 2, 3, 4],
    flexibleFrom: 4,
    encode: (m, v) => encodeOffsetCommitValue(m, v),
    decode: decodeOffsetCommitValue,
  },
  {
    name: 'GroupMetadataValue',
    fields: GROUP_METADATA_VALUE_FIELDS,
    versions: [0, 1, 2, 3, 4],
    flexibleFrom: 4,
    encode: (m, v) => encodeGroupMetadataValue(m, v),
    decode: decodeGroupMetadataValue,
  },
];

describe('round trip at every version', () => {
  for (const c of CASES) {
    for (const v of c.versions) {
      it(`${c.name} v${v}`, () => {
        fc.assert(
          fc.property(messageArb(c.fields, v, v >= c.flexibleFrom), (m) => {
            const bytes = c.encode(m, v);
            expect(bytes.readInt16BE(0)).toBe(v);
            expect(c.decode(bytes)).toEqual({ version: v, ...expectedAfterRoundTrip(c.fields, v, m) });
          }),
          { numRuns: 80 },
        );
      });
      it(`${c.name} v${v}: truncated or random bytes only ever throw SluiceError`, () => {
        fc.assert(
          fc.property(messageArb(c.fields, v, v >= c.flexibleFrom), fc.nat(), fc.uint8Array({ maxLength: 8 }), (m, cut, junk) => {
            const bytes = c.encode(m, v);
            const mutated = Buffer.concat([bytes.subarray(0, cut % (bytes.length + 1)), Buffer.from(junk)]);
            try {
              c.decode(mutated);
            } catch (err) {
              if (!isSluiceError(err, 'PROTOCOL_ERROR')) throw err;
            }
          }),
          { numRuns: 60 },
        );
      });
    }
    it(`${c.name}: unsupported versions are refused on encode`, () => {
      expect(() => c.encode({}, -1)).toThrow(/not supported/);
      expect(() => c.encode({}, Math.max(...c.versions) + 1)).toThrow(/not supported/);
    });
  }

  it('keys round trip', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0 as const, 1 as const), (group, topic, partition, version) => {
        expect(decodeOffsetsKey(encodeOffsetCommitKey({ group, topic, partition }, version))).toEqual({ kind: 'offset', version, group, topic, partition });
        expect(decodeOffsetsKey(encodeGroupMetadataKey(group))).toEqual({ kind: 'group', version: 2, group });
      }),
    );
  });
});

describe("Kafka's __consumer_offsets format (kafka-protocol.md §3.6)", () => {
  it('offset commit key v1: int16 1 | group | topic | int32 partition', () => {
    const key = encodeOffsetCommitKey({ group: 'g', topic: 'orders', partition: 3 });
    expect(key.toString('hex')).toBe(hex('0001', str('g'), str('orders'), '00000003'));
  });

  it('group metadata key v2: int16 2 | group', () => {
    expect(encodeGroupMetadataKey('grp').toString('hex')).toBe(hex('0002', str('grp')));
  });

  it('offset commit value v1 and v3 as Kafka writes them', () => {
    expect(offsetCommitValueVersion()).toBe(3);
    expect(offsetCommitValueVersion(1700000000000n)).toBe(1);
    const v3 = encodeOffsetCommitValue({ offset: 42n, leaderEpoch: -1, metadata: '', commitTimestamp: 1700000000000n });
    expect(v3.toString('hex')).toBe(hex('0003', '000000000000002a', 'ffffffff', '0000', '0000018bcfe56800'));
    const v1 = encodeOffsetCommitValue({ offset: 42n, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: 1700000060000n });
    expect(v1.toString('hex')).toBe(hex('0001', '000000000000002a', str('m'), '0000018bcfe56800', '0000018bcfe65260'));
    expect(decodeOffsetCommitValue(v1)).toEqual({ version: 1, offset: 42n, leaderEpoch: -1, metadata: 'm', commitTimestamp: 1700000000000n, expireTimestamp: 1700000060000n });
    expect(decodeOffsetCommitValue(v3)).toEqual({ version: 3, offset: 42n, leaderEpoch: -1, metadata: '', commitTimestamp: 1700000000000n, expireTimestamp: -1n });
  });

  it('offset commit value v4 is flexible (compact string, tagged fields)', () => {
    const v4 = encodeOffsetCommitValue({ offset: 1n, leaderEpoch: 5, metadata: 'x', commitTimestamp: 2n }, 4);
    expect(v4.toString('hex')).toBe(hex('0004', '0000000000000001', '00000005', '0278', '0000000000000002', '00'));
    // An unknown tagged field (Kafka 4.x topicId, tag 0) is skipped.
    const withTag = Buffer.concat([v4.subarray(0, v4.length - 1), Buffer.from('010010' + '00'.repeat(16), 'hex')]);
    expect(decodeOffsetCommitValue(withTag)).toMatchObject({ version: 4, offset: 1n, leaderEpoch: 5, metadata: 'x', commitTimestamp: 2n });
  });

  it('group metadata value v1, the version Burrow 1.2.1 reads owners from', () => {
    const bytes = encodeGroupMetadataValue(
      {
        protocolType: 'consumer',
        generation: 7,
        protocol: 'range',
        leader: 'm1',
        members: [
          {
            memberId: 'm1',
            groupInstanceId: null,
            clientId: 'c1',
            clientHost: '/127.0.0.1',
            rebalanceTimeout: 300000,
            sessionTimeout: 10000,
            subscription: Buffer.from([1]),
            assignment: Buffer.from([2, 3]),
          },
        ],
      },
      1,
    );
    expect(bytes.toString('hex')).toBe(
      hex('0001', str('consumer'), '00000007', str('range'), str('m1'), '00000001', str('m1'), str('c1'), str('/127.0.0.1'), '000493e0', '00002710', '00000001', '01', '00000002', '0203'),
    );
    const back = decodeGroupMetadataValue(bytes);
    expect(back).toMatchObject({ version: 1, protocolType: 'consumer', generation: 7, protocol: 'range', leader: 'm1', currentStateTimestamp: -1n });
    expect(back.members[0]).toMatchObject({ memberId: 'm1', groupInstanceId: null, rebalanceTimeout: 300000, sessionTimeout: 10000 });
  });

  it('group metadata value: empty group with null protocol and leader (v3)', () => {
    const bytes = encodeGroupMetadataValue({ protocolType: 'consumer', generation: 8, protocol: null, leader: null, currentStateTimestamp: 1700000000000n, members: [] }, 3);
    expect(bytes.toString('hex')).toBe(hex('0003', str('consumer'), '00000008', 'ffff', 'ffff', '0000018bcfe56800', '00000000'));
  });

  it('unknown key versions (Kafka 3.7+ new-protocol group records) decode as unknown, to be skipped', () => {
    expect(decodeOffsetsKey(Buffer.from('0003' + str('g'), 'hex'))).toEqual({ kind: 'unknown', version: 3 });
    expect(decodeOffsetsKey(Buffer.from('0011', 'hex'))).toEqual({ kind: 'unknown', version: 17 });
  });

  it('refuses unknown value versions and truncated keys', () => {
    expect(() => decodeOffsetCommitValue(Buffer.from('0005' + '00'.repeat(30), 'hex'))).toThrow(/OffsetCommitValue v5 is not supported/);
    expect(() => decodeGroupMetadataValue(Buffer.from('ffff', 'hex'))).toThrow(/not supported/);
    expect(() => decodeOffsetsKey(Buffer.from('00', 'hex'))).toThrow(/truncated/);
    expect(() => decodeOffsetsKey(Buffer.from('0001' + str('g'), 'hex'))).toThrow(/truncated/);
  });
});

describe('consumer protocol compatibility rules (ConsumerProtocol.deserialize*)', () => {
  it('parses a newer subscription version with the v3 layout and ignores appended fields', () => {
    const v3 = encodeConsumerSubscription({ topics: ['a'], userData: null, ownedPartitions: [{ topic: 'a', partitions: [0] }], generationId: 4, rackId: 'r1' }, 3);
    const v9 = Buffer.concat([v3, Buffer.from('deadbeef', 'hex')]);
    v9.writeInt16BE(9, 0);
    expect(decodeConsumerSubscription(v9)).toEqual({ version: 9, topics: ['a'], userData: null, ownedPartitions: [{ topic: 'a', partitions: [0] }], generationId: 4, rackId: 'r1' });
  });

  it('parses a newer assignment version with the v3 layout', () => {
    const a = encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [1, 2] }], userData: Buffer.from('u') }, 3);
    a.writeInt16BE(4, 0);
    expect(decodeConsumerAssignment(a)).toEqual({ version: 4, assignedPartitions: [{ topic: 't', partitions: [1, 2] }], userData: Buffer.from('u') });
  });

  it('refuses a negative version', () => {
    expect(() => decodeConsumerSubscription(Buffer.from('ffff00000000ffffffff', 'hex'))).toThrow(/ConsumerProtocolSubscription v-1 is not supported/);
    expect(() => decodeConsumerAssignment(Buffer.from('', 'hex'))).toThrow(/truncated/);
  });

  it('fills fields absent in older versions with defaults', () => {
    const s = decodeConsumerSubscription(encodeConsumerSubscription({ topics: ['a', 'b'] }, 0));
    expect(s).toEqual({ version: 0, topics: ['a', 'b'], userData: null, ownedPartitions: [], generationId: -1, rackId: null });
  });

  it('encodes v0 byte for byte as Kafka does (null user data)', () => {
    expect(encodeConsumerSubscription({ topics: ['t'] }, 0).toString('hex')).toBe(hex('0000', '00000001', str('t'), 'ffffffff'));
    expect(encodeConsumerAssignment({ assignedPartitions: [{ topic: 't', partitions: [0, 1] }] }, 0).toString('hex')).toBe(
      hex('0000', '00000001', str('t'), '00000002', '00000000', '00000001', 'ffffffff'),
    );
  });
});

describe('kafkajs assignerProtocol cross-check', () => {
  it('kafkajs MemberMetadata decodes with ours', () => {
    const bytes = MemberMetadata.encode({ version: 0, topics: ['orders', 'payments'], userData: Buffer.from('ud') });
    expect(decodeConsumerSubscription(bytes)).toEqual({
      version: 0,
      topics: ['orders', 'payments'],
      userData: Buffer.from('ud'),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
    // kafkajs's default user data is an empty buffer, not null.
    expect(decodeConsumerSubscription(MemberMetadata.encode({ version: 0, topics: ['x'] })).userData).toEqual(Buffer.alloc(0));
  });

  it.each([0, 1, 2, 3])('our subscription v%i decodes with kafkajs MemberMetadata', (v) => {
    const bytes = encodeConsumerSubscription({ topics: ['orders', 'payments'], userData: Buffer.from('ud'), ownedPartitions: [{ topic: 'orders', partitions: [0, 2] }], generationId: 5, rackId: 'rack-a' }, v);
    expect(MemberMetadata.decode(bytes)).toEqual({ version: v, topics: ['orders', 'payments'], userData: Buffer.from('ud') });
    expect(MemberMetadata.decode(encodeConsumerSubscription({ topics: [] }, v)).userData).toBeNull();
  });

  it('kafkajs MemberAssignment decodes with ours', () => {
    const bytes = MemberAssignment.encode({ version: 0, assignment: { orders: [0, 2, 4], payments: [1] }, userData: Buffer.from('x') });
    expect(decodeConsumerAssignment(bytes)).toEqual({
      version: 0,
      assignedPartitions: [
        { topic: 'orders', partitions: [0, 2, 4] },
        { topic: 'payments', partitions: [1] },
      ],
      userData: Buffer.from('x'),
    });
  });

  it.each([0, 1, 2, 3])('our assignment v%i decodes with kafkajs MemberAssignment', (v) => {
    const bytes = encodeConsumerAssignment({ assignedPartitions: [{ topic: 'orders', partitions: [0, 2, 4] }, { topic: 'payments', partitions: [1] }], userData: Buffer.alloc(0) }, v);
    expect(MemberAssignment.decode(bytes)).toEqual({ version: v, assignment: { orders: [0, 2, 4], payments: [1] }, userData: Buffer.alloc(0) });
  });

  it('round trips arbitrary kafkajs assignments', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'), fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 5 }), { maxKeys: 4 }),
        fc.uint8Array({ maxLength: 10 }),
        (assignment, ud) => {
          const userData = Buffer.from(ud);
          const ours = decodeConsumerAssignment(MemberAssignment.encode({ version: 0, assignment, userData }));
          expect(Object.fromEntries(ours.assignedPartitions.map((t) => [t.topic, t.partitions]))).toEqual(assignment);
          const back = MemberAssignment.decode(encodeConsumerAssignment({ assignedPartitions: ours.assignedPartitions, userData }, 0));
          expect(back).toEqual({ version: 0, assignment, userData });
        },
      ),
    );
  });
});
