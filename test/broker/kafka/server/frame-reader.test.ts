import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameReader } from '../../../../broker/kafka/server/frame-reader.js';
import { isSluiceError } from '../../../../broker/errors.js';
import { parseRequestHeaderPrefix } from '../../../../broker/kafka/server/request-header.js';
import { requestFrame } from './helpers.js';

function drain(reader: FrameReader): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    const r = reader.next();
    if (r.kind !== 'frame') return out;
    out.push(Buffer.from(r.frame));
  }
}

describe('FrameReader', () => {
  it('returns a view (no copy) when a frame lies inside one chunk', () => {
    const reader = new FrameReader(1024);
    const chunk = Buffer.concat([requestFrame(1), requestFrame(2)]);
    reader.push(chunk);
    const r = reader.next();
    expect(r.kind).toBe('frame');
    if (r.kind === 'frame') expect(r.frame.buffer).toBe(chunk.buffer);
    expect(drain(reader)).toHaveLength(1);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('reassembles frames split at every possible point (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 20 }),
        (bodies, cuts) => {
          const frames = bodies.map((b, i) => requestFrame(i, { body: Buffer.from(b) }));
          const stream = Buffer.concat(frames);
          const reader = new FrameReader(1024);
          const got: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            reader.push(stream.subarray(pos, pos + n));
            pos += n;
            got.push(...drain(reader));
          }
          expect(got).toEqual(frames.map((f) => f.subarray(4)));
          expect(reader.bufferedBytes).toBe(0);
        },
      ),
    );
  });

  it.each([
    [-1, 'negative size'],
    [-2147483648, 'negative size'],
    [0, 'size too small for a request header'],
    [7, 'size too small for a request header'],
    [1025, 'size exceeds maxRequestBytes'],
  ])('rejects size %i as soon as the prefix arrives (%s)', (size, reason) => {
    const reader = new FrameReader(1024);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(size, 0);
    reader.push(prefix.subarray(0, 2));
    expect(reader.next().kind).toBe('incomplete');
    reader.push(prefix.subarray(2));
    expect(reader.next()).toEqual({ kind: 'invalid', size, reason });
    // sticky, and nothing more is buffered
    reader.push(Buffer.alloc(100));
    expect(reader.next().kind).toBe('invalid');
    expect(reader.bufferedBytes).toBe(0);
  });

  it('accepts a frame of exactly maxFrameBytes', () => {
    const reader = new FrameReader(20);
    const f = requestFrame(5, { clientId: null, body: Buffer.alloc(10) });
    expect(f.length).toBe(24);
    reader.push(f);
    expect(reader.next().kind).toBe('frame');
  });
});

describe('parseRequestHeaderPrefix', () => {
  it('reads apiKey, apiVersion, correlationId and client id', () => {
    const h = parseRequestHeaderPrefix(requestFrame(42, { apiKey: 3, apiVersion: 12, clientId: 'rdkafka' }).subarray(4));
    expect(h).toEqual({ apiKey: 3, apiVersion: 12, correlationId: 42, clientId: 'rdkafka', headerBytes: 17 });
  });

  it('reads a null client id and a v0 header', () => {
    expect(parseRequestHeaderPrefix(requestFrame(1, { clientId: null }).subarray(4)).clientId).toBeNull();
    const v0 = Buffer.from([0, 7, 0, 0, 0, 0, 0, 9]);
    expect(parseRequestHeaderPrefix(v0)).toEqual({ apiKey: 7, apiVersion: 0, correlationId: 9, clientId: null, headerBytes: 8 });
  });

  it('rejects a client id longer than the frame or with a negative length', () => {
    const f = Buffer.from(requestFrame(1, { clientId: 'abc' }).subarray(4));
    f.writeInt16BE(50, 8);
    expect(() => parseRequestHeaderPrefix(f)).toThrow(/malformed request header/);
    f.writeInt16BE(-5, 8);
    expect(() => parseRequestHeaderPrefix(f)).toThrow(/malformed request header/);
  });

  it('never throws anything but a PROTOCOL_ERROR SluiceError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 64 }), (bytes) => {
        try {
          parseRequestHeaderPrefix(Buffer.from(bytes));
        } catch (err) {
          expect(isSluiceError(err, 'PROTOCOL_ERROR')).toBe(true);
        }
      }),
    );
  });
});
