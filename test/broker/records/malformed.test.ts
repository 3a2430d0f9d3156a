import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SluiceError, type SluiceErrorCode } from '../../../broker/errors.js';
import { BATCH, COMPRESSION_CODES, type CompressionCodec } from '../../../broker/records/batch-header.js';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { encodeBatch } from '../../../broker/records/encoder.js';
import { recordInputs } from './arbitraries.js';
import { fixCrc, flip, rebody } from './helpers.js';

const TS = 1_700_000_000_000;

async function decodeError(bytes: Buffer): Promise<SluiceError> {
  try {
    await decodeBatches(bytes);
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw new Error(`expected a SluiceError, got ${String(err)}`);
  }
  throw new Error('expected decodeBatches to reject');
}

async function expectError(bytes: Buffer, code: SluiceErrorCode, message: RegExp): Promise<void> {
  const err = await decodeError(bytes);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
}

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('malformed records (CRC valid, so the record decoder is reached)', async () => {
  const template = await encodeBatch([{ key: 'k', value: 'v', timestamp: TS }]);
  const two = await encodeBatch([{ key: 'k1', value: 'value-1', timestamp: TS }, { key: 'k2', value: 'value-2', timestamp: TS }]);
  /** The batch with its records region replaced by hand-written bytes for `count` records. */
  const crafted = (body: string, count = 1) => rebody(template, hex(body), { recordsCount: count });

  it('truncated records region: the second record is cut short', async () => {
    const body = two.subarray(BATCH.OVERHEAD);
    await expectError(rebody(two, body.subarray(0, body.length - 4)), 'INVALID_BATCH', /batch at byte 0 \(baseOffset 0\): record 1 of 2 at byte 16 of the records: record length 15 exceeds the 11 bytes left/);
  });

  it('record length varint longer than 32 bits', async () => {
    await expectError(crafted('ffffffffff01 000000'), 'INVALID_BATCH', /record 0 of 1 at byte 0 of the records: record length: varint at byte 0 does not fit in 32 bits/);
  });

  it('key length varint unterminated inside the record', async () => {
    // length 4: attributes, timestampDelta, offsetDelta, then a key length with its continuation bit set.
    await expectError(crafted('08 00 00 00 80 0000'), 'INVALID_BATCH', /key length: varint at byte 4 runs past the end \(1 bytes left\)/);
  });

  it('header count beyond the record', async () => {
    // length 6: attrs, ts, offset, key null, value null, headerCount 1000 (zig-zag d0 0f).
    await expectError(crafted('0e 00 00 00 01 01 d00f 0000'), 'INVALID_BATCH', /header count 1000 cannot fit in the 0 bytes left in the record/);
  });

  it('negative header count', async () => {
    await expectError(crafted('0c 00 00 00 01 01 01 000000'), 'INVALID_BATCH', /header count -1 cannot fit/);
  });

  it('key length beyond the record', async () => {
    await expectError(crafted('0c 00 00 00 64 01 00 000000'), 'INVALID_BATCH', /key length 50 exceeds the 2 bytes left in the record/);
  });

  it('key length below -1', async () => {
    await expectError(crafted('0c 00 00 00 03 01 00 000000'), 'INVALID_BATCH', /key length -2 is negative/);
  });

  it('null header key', async () => {
    await expectError(crafted('10 00 00 00 01 01 02 01 01 0000'), 'INVALID_BATCH', /header 0 key is null/);
  });

  it('record length larger than its contents', async () => {
    // length 9 but the fields take 6; three spare bytes inside the record.
    await expectError(crafted('12 00 00 00 01 01 00 aaaa00 0000'), 'INVALID_BATCH', /3 bytes left over after the headers \(record length 9\)/);
  });

  it('record length past the records region', async () => {
    await expectError(crafted('64 00 00 00 01 01 00 00'), 'INVALID_BATCH', /record length 50 exceeds the 7 bytes left/);
  });

  it('record length 0', async () => {
    await expectError(crafted('00 00000000000000'), 'INVALID_BATCH', /record length 0 leaves no room/);
  });

  it('bytes after the last record', async () => {
    const body = template.subarray(BATCH.OVERHEAD);
    await expectError(rebody(template, Buffer.concat([body, hex('000000')])), 'INVALID_BATCH', /3 bytes follow the last of 1 records/);
  });

  it('recordsCount larger than the region could hold', async () => {
    await expectError(rebody(template, template.subarray(BATCH.OVERHEAD), { recordsCount: 1000 }), 'INVALID_BATCH', /recordsCount 1000 cannot fit in 9 bytes of records/);
    await expectError(rebody(template, template.subarray(BATCH.OVERHEAD), { recordsCount: -5 }), 'INVALID_BATCH', /recordsCount -5 cannot fit/);
  });

  it('timestampDelta varlong outside the safe range', async () => {
    await expectError(crafted('16 00 ffffffffffffffffff01 00 01 01 00'), 'INVALID_BATCH', /timestampDelta: varlong at byte 2 is outside the safe integer range/);
  });
});

describe('malformed batches', async () => {
  const batch = await encodeBatch([{ key: 'k', value: 'v', timestamp: TS }]);

  it('CRC flipped → CORRUPT_BATCH', async () => {
    const bad = Buffer.from(batch);
    flip(bad, BATCH.CRC, 0x01);
    await expectError(bad, 'CORRUPT_BATCH', /batch at byte 0: CRC-32C mismatch: stored 0xe89b8dd8, computed 0xe99b8dd8/);
  });

  it('a flipped record byte → CORRUPT_BATCH', async () => {
    const bad = Buffer.from(batch);
    flip(bad, bad.length - 2, 0x20);
    await expectError(bad, 'CORRUPT_BATCH', /CRC-32C mismatch/);
  });

  it('a damaged second batch is reported at its position', async () => {
    const second = Buffer.from(batch);
    flip(second, BATCH.CRC + 2, 0xff);
    await expectError(Buffer.concat([batch, second]), 'CORRUPT_BATCH', new RegExp(`^batch at byte ${batch.length}: CRC`));
  });

  it('magic 1 → INVALID_BATCH', async () => {
    const bad = Buffer.from(batch);
    bad.writeInt8(1, BATCH.MAGIC);
    await expectError(bad, 'INVALID_BATCH', /magic 1 is not 2/);
  });

  it('batchLength below the header size → INVALID_BATCH', async () => {
    const bad = Buffer.from(batch);
    bad.writeInt32BE(10, BATCH.BATCH_LENGTH);
    await expectError(bad, 'INVALID_BATCH', /batchLength 10 is below the minimum 49/);
  });

  it('compression code 5 → UNSUPPORTED_COMPRESSION', async () => {
    const bad = fixCrc(Buffer.from(batch));
    bad.writeInt16BE(5, BATCH.ATTRIBUTES);
    await expectError(fixCrc(bad), 'UNSUPPORTED_COMPRESSION', /compression code 5 is not defined/);
  });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[]) {
    it(`${codec} attribute over garbage → INVALID_BATCH naming the codec`, async () => {
      const bad = rebody(batch, Buffer.from('this is not compressed at all'), { attributes: COMPRESSION_CODES[codec] });
      await expectError(bad, 'INVALID_BATCH', new RegExp(`batch at byte 0 \\(baseOffset 0\\): ${codec} decompression failed`));
    });
  }
});

// Generous timeouts: the suite shares two cores with the rest of `npm test`.
describe('fuzz: damaged batches never escape as anything but SluiceError', { timeout: 120_000 }, () => {
  const codec = fc.constantFrom<CompressionCodec>('none', 'gzip', 'snappy', 'lz4', 'zstd');
  const mutation = fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 });
  const allowed = new Set(['INVALID_BATCH', 'CORRUPT_BATCH', 'UNSUPPORTED_COMPRESSION']);

  async function decodesOrThrowsSluiceError(bytes: Buffer): Promise<void> {
    try {
      await decodeBatches(bytes, { maxOutputBytes: 8 * 1024 * 1024 });
    } catch (err) {
      if (!(err instanceof SluiceError) || !allowed.has(err.code)) throw err;
    }
  }

  it('byte mutations, with and without the CRC recomputed afterwards', async () => {
    await fc.assert(
      fc.asyncProperty(recordInputs, codec, mutation, fc.boolean(), async (inputs, c, edits, recrc) => {
        const batch = await encodeBatch(inputs, { compression: c });
        // Keep batchLength intact half the time so mutations reach the records.
        for (const { at, byte } of edits) batch[at % batch.length] = byte;
        if (recrc) fixCrc(batch);
        await decodesOrThrowsSluiceError(batch);
      }),
      { numRuns: 800 },
    );
  });

  it('mutations confined to the records region (CRC recomputed)', async () => {
    await fc.assert(
      fc.asyncProperty(recordInputs, codec, mutation, async (inputs, c, edits) => {
        const batch = await encodeBatch(inputs, { compression: c });
        const region = batch.length - BATCH.OVERHEAD;
        for (const { at, byte } of edits) batch[BATCH.OVERHEAD + (at % region)] = byte;
        await decodesOrThrowsSluiceError(fixCrc(batch));
      }),
      { numRuns: 800 },
    );
  });

  it('truncated or extended records regions (CRC recomputed)', async () => {
    await fc.assert(
      fc.asyncProperty(recordInputs, codec, fc.nat(), fc.uint8Array({ maxLength: 20 }), async (inputs, c, cut, extra) => {
        const batch = await encodeBatch(inputs, { compression: c });
        const body = batch.subarray(BATCH.OVERHEAD);
        const damaged = Buffer.concat([body.subarray(0, cut % (body.length + 1)), Buffer.from(extra)]);
        await decodesOrThrowsSluiceError(rebody(batch, damaged));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes as a log read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await decodesOrThrowsSluiceError(Buffer.from(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});
