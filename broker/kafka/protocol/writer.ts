/**
 * Growable output buffer for Kafka protocol encoding. Capacity doubles when exceeded, so a message
 * of n bytes costs O(log n) allocations; `finish()` returns a view of the written bytes.
 * Length-prefixed sections whose size is not known up front use reserve/patch (`int32At`).
 */
import { SluiceError } from '../../errors.js';

/** Encode-side protocol error; same details shape as the reader's (offset -1: no input offset). */
export function encodeError(reason: string): SluiceError {
  return new SluiceError('PROTOCOL_ERROR', `cannot encode: ${reason}`, {
    reason: `cannot encode: ${reason}`,
    offset: -1,
    path: [],
  });
}

export class Writer {
  private buf: Buffer;
  offset = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  private ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.offset);
    this.buf = next;
  }

  /** The bytes written so far (a view; copy it if the writer is reused). */
  finish(): Buffer {
    return this.buf.subarray(0, this.offset);
  }

  int8(v: number): this {
    checkInt(v, -0x80, 0x7f, 'int8');
    this.ensure(1);
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    checkInt(v, -0x8000, 0x7fff, 'int16');
    this.ensure(2);
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
    return this;
  }

  int32(v: number): this {
    checkInt(v, -0x80000000, 0x7fffffff, 'int32');
    this.ensure(4);
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  uint32(v: number): this {
    checkInt(v, 0, 0xffffffff, 'uint32');
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.offset);
    this.offset += 4;
    return this;
  }

  int64(v: bigint): this {
    if (typeof v !== 'bigint' || v < -(2n ** 63n) || v >= 2n ** 63n) {
      throw encodeError(`int64 out of range: ${String(v)}`);
    }
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.offset);
    this.offset += 8;
    return this;
  }

  float64(v: number): this {
    if (typeof v !== 'number') throw encodeError(`float64 expected, got ${typeof v}`);
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.offset);
    this.offset += 8;
    return this;
  }

  uvarint(v: number): this {
    checkInt(v, 0, 0xffffffff, 'unsigned varint');
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.offset++] = v;
    return this;
  }

  varint(v: number): this {
    checkInt(v, -0x80000000, 0x7fffffff, 'varint');
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  varlong(v: bigint): this {
    if (typeof v !== 'bigint' || v < -(2n ** 63n) || v >= 2n ** 63n) {
      throw encodeError(`varlong out of range: ${String(v)}`);
    }
    let u = v >= 0n ? v << 1n : ((-v) << 1n) - 1n;
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.offset++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.offset++] = Number(u);
    return this;
  }

  uuid(v: string): this {
    const hex = typeof v === 'string' ? v.replace(/-/g, '') : '';
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw encodeError(`invalid uuid ${String(v)}`);
    this.ensure(16);
    this.buf.write(hex, this.offset, 16, 'hex');
    this.offset += 16;
    return this;
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.offset);
    this.offset += b.length;
    return this;
  }

  private utf8(s: string, len: number): void {
    this.ensure(len);
    this.buf.write(s, this.offset, len, 'utf8');
    this.offset += len;
  }

  nullableString(s: string | null): this {
    if (s === null) return this.int16(-1);
    if (typeof s !== 'string') throw encodeError(`string expected, got ${typeof s}`);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw encodeError(`string of ${len} bytes exceeds 32767`);
    this.int16(len);
    this.utf8(s, len);
    return this;
  }

  compactNullableString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    if (typeof s !== 'string') throw encodeError(`string expected, got ${typeof s}`);
    const len = Buffer.byteLength(s, 'utf8');
    if (len > 0x7fff) throw encodeError(`string of ${len} bytes exceeds 32767`);
    this.uvarint(len + 1);
    this.utf8(s, len);
    return this;
  }

  nullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    if (!(b instanceof Uint8Array)) throw encodeError('bytes expected');
    this.int32(b.length);
    return this.raw(b);
  }

  compactNullableBytes(b: Uint8Array | null): this {
    if (b === null) return this.uvarint(0);
    if (!(b instanceof Uint8Array)) throw encodeError('bytes expected');
    this.uvarint(b.length + 1);
    return this.raw(b);
  }

  /** Reserve 4 bytes for an int32 written later with `int32At` (e.g. a frame size). */
  reserveInt32(): number {
    const at = this.offset;
    this.ensure(4);
    this.offset += 4;
    return at;
  }

  int32At(at: number, v: number): this {
    checkInt(v, -0x80000000, 0x7fffffff, 'int32');
    this.buf.writeInt32BE(v, at);
    return this;
  }
}

function checkInt(v: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw encodeError(`${what} out of range: ${String(v)}`);
  }
}

/** Size in bytes of the unsigned varint encoding of v. */
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
