import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { cursor, readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../../broker/records/varint.js';
import { kafkajs } from './helpers.js';

function encodeVarint(n: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarint(n));
  expect(writeVarint(buf, 0, n)).toBe(buf.length);
  return buf;
}

function encodeVarlong(n: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarlong(n));
  expect(writeVarlong(buf, 0, n)).toBe(buf.length);
  return buf;
}

function expectInvalid(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (err) {
    expect(isSluiceError(err, 'INVALID_BATCH')).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected SluiceError INVALID_BATCH');
}

describe('zig-zag varint', () => {
  it('encodes the protobuf/Kafka examples', () => {
    expect(encodeVarint(0).toString('hex')).toBe('00');
    expect(encodeVarint(-1).toString('hex')).toBe('01');
    expect(encodeVarint(1).toString('hex')).toBe('02');
    expect(encodeVarint(63).toString('hex')).toBe('7e');
    expect(encodeVarint(-64).toString('hex')).toBe('7f');
    expect(encodeVarint(64).toString('hex')).toBe('8001');
    expect(encodeVarint(2147483647).toString('hex')).toBe('feffffff0f');
    expect(encodeVarint(-2147483648).toString('hex')).toBe('ffffffff0f');
  });

  it('round-trips every int32 and matches kafkajs byte for byte', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        const ours = encodeVarint(n);
        const theirs = new kafkajs.Encoder();
        theirs.writeVarInt(n);
        expect(ours.equals(theirs.buffer)).toBe(true);
        const c = cursor(ours);
        expect(readVarint(c)).toBe(n);
        expect(c.pos).toBe(ours.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a truncated varint with its position', () => {
    expectInvalid(() => readVarint(cursor(Buffer.from([0x80, 0x80])), 'key length'), /key length: varint at byte 0 runs past the end/);
    expectInvalid(() => readVarint(cursor(Buffer.alloc(0))), /runs past the end/);
  });

  it('respects the cursor end, not the buffer end', () => {
    expectInvalid(() => readVarint(cursor(Buffer.from([0x80, 0x01]), 0, 1)), /runs past the end/);
  });

  it('rejects varints longer than 5 bytes or wider than 32 bits', () => {
    expectInvalid(() => readVarint(cursor(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))), /does not fit in 32 bits/);
    expectInvalid(() => readVarint(cursor(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x10]))), /does not fit in 32 bits/);
  });
});

describe('zig-zag varlong', () => {
  it('encodes boundary values like Kafka', () => {
    expect(encodeVarlong(0).toString('hex')).toBe('00');
    expect(encodeVarlong(-1).toString('hex')).toBe('01');
    expect(encodeVarlong(2 ** 30).toString('hex')).toBe('8080808008');
    expect(encodeVarlong(-(2 ** 30) - 1).toString('hex')).toBe('8180808008');
    expect(encodeVarlong(Number.MAX_SAFE_INTEGER).toString('hex')).toBe('feffffffffffff1f');
    expect(encodeVarlong(Number.MIN_SAFE_INTEGER).toString('hex')).toBe('fdffffffffffff1f');
  });

  it('round-trips safe integers and matches kafkajs (Long) byte for byte', () => {
    const n = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -(2 ** 45), max: 2 ** 45 }), fc.constantFrom(-(2 ** 30), 2 ** 30 - 1, 2 ** 30, -(2 ** 30) - 1, -(2 ** 52), 2 ** 52));
    fc.assert(
      fc.property(n, (value) => {
        const ours = encodeVarlong(value);
        const theirs = new kafkajs.Encoder();
        theirs.writeVarLong(kafkajs.Long.fromValue(value));
        expect(ours.toString('hex')).toBe(theirs.buffer.toString('hex'));
        const c = cursor(ours);
        expect(readVarlong(c)).toBe(value);
        expect(c.pos).toBe(ours.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects values outside the safe integer range instead of rounding them', () => {
    // 2^53 zig-zag encoded (as Kafka would write it for a Java long).
    const big = new kafkajs.Encoder();
    big.writeVarLong(kafkajs.Long.fromValue('9007199254740992'));
    expectInvalid(() => readVarlong(cursor(big.buffer)), /outside the safe integer range/);
    const min = new kafkajs.Encoder();
    min.writeVarLong(kafkajs.Long.fromValue('-9007199254740992'));
    expectInvalid(() => readVarlong(cursor(min.buffer)), /outside the safe integer range/);
    expectInvalid(() => writeVarlong(Buffer.alloc(10), 0, 2 ** 53), /not a safe integer/);
  });

  it('rejects an unterminated 10-byte varlong and a truncated one', () => {
    expectInvalid(() => readVarlong(cursor(Buffer.alloc(11, 0xff))), /longer than 10 bytes/);
    expectInvalid(() => readVarlong(cursor(Buffer.from([0xff, 0xff]))), /runs past the end/);
  });
});
