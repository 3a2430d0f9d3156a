/**
 * Bounds-checked reader over one Kafka protocol buffer. Every read checks the remaining length
 * first, so malformed input surfaces as SluiceError('PROTOCOL_ERROR') with the offset, never as a
 * RangeError, and no length prefix can make us allocate more than the bytes actually present.
 * Slices (bytes, records) are views into the input buffer, not copies.
 */
import { SluiceError, isSluiceError } from '../../errors.js';

export interface ProtocolErrorDetails extends Record<string, unknown> {
  reason: string;
  offset: number;
  /** Field path from the message root, filled in as the error unwinds through struct decoders. */
  path: string[];
  context?: string;
}

export function protocolError(reason: string, offset: number): SluiceError {
  const details: ProtocolErrorDetails = { reason, offset, path: [] };
  return new SluiceError('PROTOCOL_ERROR', `${reason} at offset ${offset}`, details);
}

/** Prepend a path segment (field name or `[i]`) to a protocol error unwinding through a decoder. */
export function addErrorPath(err: unknown, segment: string): void {
  if (!isSluiceError(err, 'PROTOCOL_ERROR')) return;
  const d = err.details as ProtocolErrorDetails;
  if (!Array.isArray(d.path)) return;
  d.path.unshift(segment);
  err.message = formatProtocolError(d);
}

/** Set the message context ("Metadata v5 request") once, at the top of a decode. */
export function setErrorContext(err: unknown, context: string): void {
  if (!isSluiceError(err, 'PROTOCOL_ERROR')) return;
  const d = err.details as ProtocolErrorDetails;
  if (typeof d.reason !== 'string') return;
  d.context = context;
  err.message = formatProtocolError(d);
}

function formatProtocolError(d: ProtocolErrorDetails): string {
  let path = '';
  for (const seg of d.path) path += seg.startsWith('[') || path === '' ? seg : `.${seg}`;
  const where = path === '' ? '' : ` in field ${path}`;
  const ctx = d.context ? `${d.context}: ` : '';
  return d.offset < 0 ? `${ctx}${d.reason}${where}` : `${ctx}${d.reason}${where} at offset ${d.offset}`;
}

const EMPTY = Buffer.alloc(0);

export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless n more bytes are available. */
  need(n: number, what: string): void {
    if (n > this.end - this.offset) {
      throw protocolError(
        `truncated ${what}: need ${n} byte(s), ${this.end - this.offset} left`,
        this.offset,
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.offset++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.offset);
    this.offset += 8;
    return v;
  }

  /** Unsigned LEB128 varint, at most 5 bytes / 32 bits (Kafka's UNSIGNED_VARINT). */
  uvarint(): number {
    const start = this.offset;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw protocolError('truncated unsigned varint', start);
      const b = this.buf[this.offset++]!;
      if (i === 4 && b > 0x0f) throw protocolError('unsigned varint exceeds 32 bits', start);
      result += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    throw protocolError('unsigned varint longer than 5 bytes', start);
  }

  /** Zig-zag signed varint (int32 range). */
  varint(): number {
    const u = this.uvarint();
    // zig-zag decode without 32-bit overflow: u is in [0, 2^32)
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zig-zag signed varlong (int64 range), at most 10 bytes. */
  varlong(): bigint {
    const start = this.offset;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.end) throw protocolError('truncated varlong', start);
      const b = this.buf[this.offset++]!;
      if (i === 9 && b > 0x01) throw protocolError('varlong exceeds 64 bits', start);
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
    }
    throw protocolError('varlong longer than 10 bytes', start);
  }

  uuid(): string {
    this.need(16, 'uuid');
    const h = this.buf.toString('hex', this.offset, this.offset + 16);
    this.offset += 16;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** A view of the next n bytes (no copy). */
  slice(n: number, what: string): Buffer {
    if (n === 0) return EMPTY;
    this.need(n, what);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  private utf8(n: number, what: string): string {
    this.need(n, what);
    const s = this.buf.toString('utf8', this.offset, this.offset + n);
    this.offset += n;
    return s;
  }

  /** int16-length string; -1 means null. */
  nullableString(): string | null {
    const start = this.offset;
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw protocolError(`invalid string length ${n}`, start);
    return this.utf8(n, 'string');
  }

  string(): string {
    const start = this.offset;
    const s = this.nullableString();
    if (s === null) throw protocolError('null in non-nullable string', start);
    return s;
  }

  /** uvarint(length + 1) string; 0 means null. */
  compactNullableString(): string | null {
    const start = this.offset;
    const n = this.uvarint();
    if (n === 0) return null;
    if (n - 1 > 0x7fff) throw protocolError(`compact string length ${n - 1} exceeds 32767`, start);
    return this.utf8(n - 1, 'compact string');
  }

  compactString(): string {
    const start = this.offset;
    const s = this.compactNullableString();
    if (s === null) throw protocolError('null in non-nullable compact string', start);
    return s;
  }

  /** int32-length bytes; -1 means null. Returned as a view. */
  nullableBytes(): Buffer | null {
    const start = this.offset;
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw protocolError(`invalid bytes length ${n}`, start);
    return this.slice(n, 'bytes');
  }

  bytes(): Buffer {
    const start = this.offset;
    const b = this.nullableBytes();
    if (b === null) throw protocolError('null in non-nullable bytes', start);
    return b;
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    if (n === 0) return null;
    return this.slice(n - 1, 'compact bytes');
  }

  compactBytes(): Buffer {
    const start = this.offset;
    const b = this.compactNullableBytes();
    if (b === null) throw protocolError('null in non-nullable compact bytes', start);
    return b;
  }

  /**
   * Array length prefix: int32 (classic, -1 = null) or uvarint(n+1) (compact, 0 = null).
   * `minElementSize` is the smallest encoding of one element; a count that cannot fit in the
   * remaining bytes is rejected here, before the caller allocates anything.
   */
  arrayLength(compact: boolean, minElementSize: number): number | null {
    const start = this.offset;
    let n: number;
    if (compact) {
      const u = this.uvarint();
      if (u === 0) return null;
      n = u - 1;
    } else {
      n = this.int32();
      if (n === -1) return null;
      if (n < 0) throw protocolError(`invalid array length ${n}`, start);
    }
    const remaining = this.end - this.offset;
    // Zero-width elements (an empty struct) are capped at one per remaining byte: still no
    // unbounded allocation from a hostile count.
    if (n * Math.max(minElementSize, 1) > remaining) {
      throw protocolError(
        `array length ${n} cannot fit in the ${remaining} remaining byte(s)`,
        start,
      );
    }
    return n;
  }

  /**
   * Tagged-field section of a flexible struct: calls `onTag` for each (tag, reader over the
   * value); unknown tags are skipped. `onTag` returns false for a tag it does not know.
   */
  taggedFields(onTag: (tag: number, r: Reader) => boolean): void {
    const start = this.offset;
    const count = this.uvarint();
    if (count > this.end - this.offset) {
      throw protocolError(`tagged field count ${count} cannot fit`, start);
    }
    let lastTag = -1;
    for (let i = 0; i < count; i++) {
      const tagAt = this.offset;
      const tag = this.uvarint();
      if (tag <= lastTag) throw protocolError(`tagged field ${tag} out of order`, tagAt);
      lastTag = tag;
      const size = this.uvarint();
      this.need(size, `tagged field ${tag}`);
      const sub = new Reader(this.buf, this.offset, this.offset + size);
      this.offset += size;
      if (onTag(tag, sub) && sub.remaining !== 0) {
        throw protocolError(`tagged field ${tag} has ${sub.remaining} trailing byte(s)`, sub.offset);
      }
    }
  }

  /** Skip a tagged-field section entirely (e.g. a struct with no known tags). */
  skipTaggedFields(): void {
    this.taggedFields(() => false);
  }
}
