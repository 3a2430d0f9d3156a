import { SluiceError } from '../errors.js';

/**
 * Zig-zag signed varints as record batch v2 records use them (protobuf style, Kafka ByteUtils).
 * Not the unsigned varint of flexible protocol versions.
 *
 * Reads are bounds-checked against a Cursor's `end` and capped in length (5 bytes for a varint,
 * 10 for a varlong), so malformed input ends in SluiceError INVALID_BATCH, never in a loop or a
 * RangeError. Varlongs are plain numbers: timestamps and their deltas are far inside 2^53, and a
 * value outside the safe range is rejected rather than silently rounded (a re-encode would
 * otherwise change the data).
 */

/** A position in `buf` that reads advance; reads never go past `end`. */
export interface Cursor {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
}

export function cursor(buf: Buffer, pos = 0, end = buf.length): Cursor {
  return { buf, pos, end };
}

const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;
const TWO_POW_27 = 2 ** 27;
/** Above this the unsigned zig-zag value no longer maps to a safe integer. */
const TWO_POW_26 = 2 ** 26;

function truncated(c: Cursor, field: string, start: number): SluiceError {
  return new SluiceError('INVALID_BATCH', `${field}: varint at byte ${start} runs past the end (${c.end - start} bytes left)`, { pos: start });
}

/** Reads a zig-zag varint (int32). `field` names what is read, for the error message. */
export function readVarint(c: Cursor, field = 'varint'): number {
  const { buf, end } = c;
  const start = c.pos;
  let pos = start;
  let raw = 0;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (pos >= end) throw truncated(c, field, start);
    const b = buf[pos++]!;
    if (i === MAX_VARINT_BYTES - 1 && b > 0x0f) {
      throw new SluiceError('INVALID_BATCH', `${field}: varint at byte ${start} does not fit in 32 bits`, { pos: start });
    }
    raw |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) {
      c.pos = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  // Unreachable: the fifth byte is either rejected above or terminates.
  throw new SluiceError('INVALID_BATCH', `${field}: varint at byte ${start} is longer than ${MAX_VARINT_BYTES} bytes`);
}

/** Reads a zig-zag varlong (int64) that must lie within Number's safe integer range. */
export function readVarlong(c: Cursor, field = 'varlong'): number {
  const { buf, end } = c;
  const start = c.pos;
  let pos = start;
  // The unsigned value is split as hi * 2^28 + lo so that each half is exact in a double.
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    if (pos >= end) throw truncated(c, field, start);
    const b = buf[pos++]!;
    const bits = b & 0x7f;
    if (i < 4) lo |= bits << (7 * i);
    else hi += bits * 2 ** (7 * (i - 4));
    if ((b & 0x80) === 0) {
      c.pos = pos;
      // hi < 2^26 keeps u below 2^54; u = 2^54 - 1 would still give -2^53, one past the range.
      if (hi >= TWO_POW_26 || (hi === TWO_POW_26 - 1 && lo === 0x0fffffff)) {
        throw new SluiceError('INVALID_BATCH', `${field}: varlong at byte ${start} is outside the safe integer range`, { pos: start });
      }
      // zig-zag: even → n/2, odd → -(n+1)/2, computed on the halves to stay exact.
      const half = hi * TWO_POW_27 + (lo >>> 1);
      return lo & 1 ? -half - 1 : half;
    }
  }
  throw new SluiceError('INVALID_BATCH', `${field}: varlong at byte ${start} is longer than ${MAX_VARLONG_BYTES} bytes`, { pos: start });
}

/** Bytes a zig-zag varint takes. `n` must be an int32. */
export function sizeOfVarint(n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (u >= 0x80) {
    u >>>= 7;
    size++;
  }
  return size;
}

/** Bytes a zig-zag varlong takes. `n` must be a safe integer. */
export function sizeOfVarlong(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return sizeOfVarint(n);
  let rest = zigZagRest(n);
  let size = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    size++;
  }
  return size;
}

/** Writes a zig-zag varint at `pos`; returns the position after it. The caller sized `buf`. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  let u = ((n << 1) ^ (n >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Writes a zig-zag varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return writeVarint(buf, pos, n);
  let rest = zigZagRest(n);
  buf[pos++] = zigZagLow7(n) | 0x80; // |n| >= 2^30, so there is always more than one byte
  while (rest >= 0x80) {
    buf[pos++] = (rest % 128) | 0x80;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = rest;
  return pos;
}

/*
 * The unsigned zig-zag value u = 2|n| (n >= 0) or 2|n| - 1 (n < 0) can reach 2^54 - 1, where a
 * double is no longer exact for odd values. So u is never built: its low 7 bits and u >> 7 are
 * derived from |n| directly (2|n| mod 128 = 2 (|n| mod 64)), both exact.
 */
function zigZagLow7(n: number): number {
  const low6 = Math.abs(n) % 64;
  if (n >= 0) return low6 * 2;
  return low6 === 0 ? 127 : low6 * 2 - 1;
}

function zigZagRest(n: number): number {
  if (!Number.isSafeInteger(n)) {
    throw new SluiceError('INVALID_BATCH', `varlong value ${n} is not a safe integer`);
  }
  const m = Math.abs(n);
  return n < 0 && m % 64 === 0 ? m / 64 - 1 : Math.floor(m / 64);
}
