import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Reader } from '../../../../broker/kafka/protocol/reader.js';
import { Writer } from '../../../../broker/kafka/protocol/writer.js';
import { isSluiceError } from '../../../../broker/errors.js';

function hex(b: Buffer): string {
  return b.toString('hex');
}

function expectProtocolError(fn: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isSluiceError(thrown, 'PROTOCOL_ERROR'), `expected PROTOCOL_ERROR, got ${String(thrown)}`).toBe(true);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('Writer', () => {
  it('writes fixed-width integers big-endian', () => {
    const w = new Writer(16);
    w.int8(-1).int16(0x1234).int32(-2).uint32(0xfffffffe).int64(-3n).float64(1.5);
    expect(hex(w.finish())).toBe('ff1234fffffffefffffffefffffffffffffffd3ff8000000000000');
  });

  it('grows from a tiny buffer without losing bytes', () => {
    const w = new Writer(1);
    for (let i = 0; i < 1000; i++) w.int32(i);
    const r = new Reader(w.finish());
    for (let i = 0; i < 1000; i++) expect(r.int32()).toBe(i);
    expect(r.remaining).toBe(0);
  });

  it('encodes unsigned varints like protobuf', () => {
    const cases: Array<[number, string]> = [
      [0, '00'],
      [1, '01'],
      [127, '7f'],
      [128, '8001'],
      [300, 'ac02'],
      [0xffffffff, 'ffffffff0f'],
    ];
    for (const [v, h] of cases) expect(hex(new Writer().uvarint(v).finish())).toBe(h);
  });

  it('encodes zig-zag varints and varlongs', () => {
    expect(hex(new Writer().varint(0).varint(-1).varint(1).varint(-2).finish())).toBe('00010203');
    expect(hex(new Writer().varint(-2147483648).finish())).toBe('ffffffff0f');
    expect(hex(new Writer().varlong(-1n).varlong(2n ** 63n - 1n).finish())).toBe('01feffffffffffffffff01');
  });

  it('encodes strings, compact strings, bytes and nulls', () => {
    const w = new Writer();
    w.nullableString('ab').nullableString(null).compactNullableString('ab').compactNullableString(null);
    w.nullableBytes(Buffer.from([1])).nullableBytes(null).compactNullableBytes(Buffer.alloc(0)).compactNullableBytes(null);
    expect(hex(w.finish())).toBe('00026162ffff03616200' + '0000000101ffffffff' + '01' + '00');
  });

  it('encodes uuids', () => {
    const u = '0123abcd-4567-89ef-0123-456789abcdef';
    const b = new Writer().uuid(u).finish();
    expect(hex(b)).toBe('0123abcd456789ef0123456789abcdef');
    expect(new Reader(b).uuid()).toBe(u);
  });

  it('rejects out-of-range values with SluiceError', () => {
    expectProtocolError(() => new Writer().int8(128), /int8 out of range/);
    expectProtocolError(() => new Writer().int16(1.5), /int16 out of range/);
    expectProtocolError(() => new Writer().int32(2 ** 31), /int32 out of range/);
    expectProtocolError(() => new Writer().int64(2n ** 63n), /int64 out of range/);
    expectProtocolError(() => new Writer().uvarint(-1), /unsigned varint out of range/);
    expectProtocolError(() => new Writer().nullableString('x'.repeat(40000)), /exceeds 32767/);
    expectProtocolError(() => new Writer().uuid('nope'), /invalid uuid/);
  });
});

describe('Reader', () => {
  it('round-trips every primitive', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n),
        fc.double({ noNaN: true }),
        fc.option(fc.string({ unit: 'grapheme', maxLength: 30 })),
        fc.option(fc.uint8Array({ maxLength: 40 })),
        (i8, i16, i32, u32, i64, f64, str, bytes) => {
          const b = bytes === null ? null : Buffer.from(bytes);
          const w = new Writer(8);
          w.int8(i8).int16(i16).int32(i32).uint32(u32).int64(i64).float64(f64);
          w.uvarint(u32).varint(i32).varlong(i64);
          w.nullableString(str).compactNullableString(str).nullableBytes(b).compactNullableBytes(b);
          const r = new Reader(w.finish());
          expect(r.int8()).toBe(i8);
          expect(r.int16()).toBe(i16);
          expect(r.int32()).toBe(i32);
          expect(r.uint32()).toBe(u32);
          expect(r.int64()).toBe(i64);
          expect(r.float64()).toBe(f64);
          expect(r.uvarint()).toBe(u32);
          expect(r.varint()).toBe(i32);
          expect(r.varlong()).toBe(i64);
          expect(r.nullableString()).toBe(str);
          expect(r.compactNullableString()).toBe(str);
          expect(r.nullableBytes()).toEqual(b);
          expect(r.compactNullableBytes()).toEqual(b);
          expect(r.remaining).toBe(0);
        },
      ),
    );
  });

  it('returns views, not copies, for bytes', () => {
    const buf = Buffer.from('0000000301020399', 'hex');
    const b = new Reader(buf).bytes();
    expect(b.buffer).toBe(buf.buffer);
    expect([...b]).toEqual([1, 2, 3]);
  });

  it('reports truncation with the offset', () => {
    expectProtocolError(() => new Reader(Buffer.from([0, 0, 0])).int32(), /truncated int32.*at offset 0/);
    const r = new Reader(Buffer.from([1, 2, 3, 4, 5]));
    r.int32();
    expectProtocolError(() => r.int16(), /need 2 byte\(s\), 1 left at offset 4/);
  });

  it('rejects lengths larger than the remaining bytes before allocating', () => {
    expectProtocolError(() => new Reader(Buffer.from('7fff41', 'hex')).string(), /truncated string: need 32767/);
    expectProtocolError(() => new Reader(Buffer.from('7fffffff00', 'hex')).bytes(), /need 2147483647/);
    expectProtocolError(() => new Reader(Buffer.from('7fffffff', 'hex')).arrayLength(false, 4), /array length 2147483647 cannot fit/);
    expectProtocolError(() => new Reader(Buffer.from('ffffffff0f', 'hex')).arrayLength(true, 1), /cannot fit/);
    expectProtocolError(() => new Reader(Buffer.from('0000000300', 'hex')).arrayLength(false, 0), /cannot fit/);
  });

  it('rejects invalid lengths, nulls and overlong varints', () => {
    expectProtocolError(() => new Reader(Buffer.from('fffe', 'hex')).nullableString(), /invalid string length -2/);
    expectProtocolError(() => new Reader(Buffer.from('ffff', 'hex')).string(), /null in non-nullable string/);
    expectProtocolError(() => new Reader(Buffer.from('00', 'hex')).compactString(), /null in non-nullable compact string/);
    expectProtocolError(() => new Reader(Buffer.from('fffffffe', 'hex')).nullableBytes(), /invalid bytes length -2/);
    expectProtocolError(() => new Reader(Buffer.from('fffffffe', 'hex')).arrayLength(false, 1), /invalid array length -2/);
    expectProtocolError(() => new Reader(Buffer.from('ffffffff1f', 'hex')).uvarint(), /exceeds 32 bits/);
    expectProtocolError(() => new Reader(Buffer.from('8080', 'hex')).uvarint(), /truncated unsigned varint/);
    expectProtocolError(() => new Reader(Buffer.from('ffffffffffffffffff02', 'hex')).varlong(), /exceeds 64 bits/);
  });

  it('reads arrays: null markers', () => {
    expect(new Reader(Buffer.from('ffffffff', 'hex')).arrayLength(false, 4)).toBeNull();
    expect(new Reader(Buffer.from('00', 'hex')).arrayLength(true, 1)).toBeNull();
    expect(new Reader(Buffer.from('01', 'hex')).arrayLength(true, 1)).toBe(0);
  });

  it('reads tagged fields and skips unknown tags', () => {
    // 2 tags: tag 1 size 2 (0x0102), tag 5 size 1 (0x07)
    const r = new Reader(Buffer.from('0201020102050107ff', 'hex'));
    const seen: number[] = [];
    r.taggedFields((tag, sub) => {
      if (tag !== 5) return false;
      seen.push(sub.int8());
      return true;
    });
    expect(seen).toEqual([7]);
    expect(r.remaining).toBe(1);
    expectProtocolError(() => new Reader(Buffer.from('02050100010100', 'hex')).skipTaggedFields(), /out of order/);
    expectProtocolError(() => new Reader(Buffer.from('0101050000', 'hex')).skipTaggedFields(), /truncated tagged field 1/);
  });

  it('never throws anything but SluiceError on random bytes', () => {
    const ops: Array<(r: Reader) => unknown> = [
      (r) => r.int8(),
      (r) => r.int16(),
      (r) => r.int32(),
      (r) => r.int64(),
      (r) => r.uint32(),
      (r) => r.float64(),
      (r) => r.uuid(),
      (r) => r.uvarint(),
      (r) => r.varint(),
      (r) => r.varlong(),
      (r) => r.string(),
      (r) => r.nullableString(),
      (r) => r.compactString(),
      (r) => r.compactNullableString(),
      (r) => r.bytes(),
      (r) => r.nullableBytes(),
      (r) => r.compactBytes(),
      (r) => r.compactNullableBytes(),
      (r) => r.arrayLength(false, 2),
      (r) => r.arrayLength(true, 0),
      (r) => r.skipTaggedFields(),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(ops.length - 1), { maxLength: 20 }), (bytes, seq) => {
        const r = new Reader(Buffer.from(bytes));
        try {
          for (const i of seq) ops[i]!(r);
        } catch (err) {
          if (!isSluiceError(err, 'PROTOCOL_ERROR')) throw err;
        }
        expect(r.offset).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});
