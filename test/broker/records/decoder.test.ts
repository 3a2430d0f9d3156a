import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BATCH, COMPRESSION_CODES, setBaseOffset, setLogAppendTime, type CompressionCodec } from '../../../broker/records/batch-header.js';
import { decodeBatch, decodeBatches, decodeRecords } from '../../../broker/records/decoder.js';
import { encodeBatch, type RecordInput } from '../../../broker/records/encoder.js';
import { asBytes, expectedHeaders, recordInputs } from './arbitraries.js';
import { rebody, xerialFrame } from './helpers.js';

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const TS = 1_700_000_000_000;

/** Records as comparable primitives: one deep equality over strings is far cheaper than
 * thousands of Buffer comparisons. Timestamps defaulted by the encoder are not compared. */
const hexOrNull = (b: Buffer | null) => (b === null ? null : b.toString('hex'));

function expectDecodedAs(decoded: Awaited<ReturnType<typeof decodeBatches>>[number], inputs: readonly RecordInput[], baseOffset: number): void {
  const actual = decoded.records.map((r, i) => [
    r.offset,
    inputs[i]?.timestamp === undefined ? null : r.timestamp,
    hexOrNull(r.key),
    hexOrNull(r.value),
    r.headers.map((h) => [h.key, hexOrNull(h.value)]),
  ]);
  const expected = inputs.map((input, i) => [
    baseOffset + i,
    input.timestamp ?? null,
    hexOrNull(asBytes(input.key)),
    hexOrNull(asBytes(input.value)),
    expectedHeaders(input.headers).map((h) => [h.key, hexOrNull(h.value)]),
  ]);
  expect(actual).toEqual(expected);
}

describe('decodeBatches round trips', () => {
  for (const codec of CODECS) {
    it(`${codec}: keys, null keys/values, duplicate and null headers, 2000 records`, async () => {
      const inputs: RecordInput[] = Array.from({ length: 2000 }, (_, i) => ({
        key: i % 3 === 0 ? null : `user-${i % 17}`,
        value: i % 11 === 0 ? null : Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(i % 50) })),
        headers: i % 2 ? [{ key: 'retry', value: '1' }, { key: 'retry', value: null }, { key: '', value: Buffer.alloc(0) }] : undefined,
        timestamp: TS + (i % 7) * 1000 - 3000,
      }));
      const batch = await encodeBatch(inputs, { compression: codec, baseOffset: 5000 });
      const [decoded] = await decodeBatches(batch);
      expect(decoded!.header.compression).toBe(codec);
      expectDecodedAs(decoded!, inputs, 5000);
    });

    it(`${codec}: arbitrary records survive encode → decode (property)`, async () => {
      await fc.assert(
        fc.asyncProperty(recordInputs, fc.nat(2 ** 40), async (inputs, baseOffset) => {
          const [decoded] = await decodeBatches(await encodeBatch(inputs, { compression: codec, baseOffset }));
          expectDecodedAs(decoded!, inputs, baseOffset);
        }),
        { numRuns: codec === 'none' ? 200 : 60 },
      );
    });
  }
});

describe('decodeBatches over a log read', () => {
  it('walks concatenated batches with absolute offsets', async () => {
    const a = await encodeBatch([{ value: 'a0', timestamp: TS }, { value: 'a1', timestamp: TS + 1 }]);
    const b = await encodeBatch([{ value: 'b0', timestamp: TS + 2 }], { compression: 'gzip' });
    const c = await encodeBatch([{ value: 'c0', timestamp: TS + 3 }, { value: 'c1', timestamp: TS + 4 }], { compression: 'zstd' });
    // The log rewrites baseOffset in place on append; the CRC does not cover it.
    setBaseOffset(a, 100);
    setBaseOffset(b, 102);
    setBaseOffset(c, 103);
    const batches = await decodeBatches(Buffer.concat([a, b, c]));
    expect(batches.map((x) => x.records.map((r) => [r.offset, r.value!.toString()]))).toEqual([
      [[100, 'a0'], [101, 'a1']],
      [[102, 'b0']],
      [[103, 'c0'], [104, 'c1']],
    ]);
  });

  it('ignores a trailing partial batch wherever the read was cut (Kafka fetch semantics)', async () => {
    const a = await encodeBatch([{ value: 'first', timestamp: TS }]);
    const b = await encodeBatch([{ value: 'second', timestamp: TS }], { compression: 'snappy' });
    const log = Buffer.concat([a, b]);
    for (let cut = a.length; cut < log.length; cut++) {
      const batches = await decodeBatches(log.subarray(0, cut));
      expect(batches).toHaveLength(1);
      expect(batches[0]!.records[0]!.value!.toString()).toBe('first');
    }
    expect(await decodeBatches(log.subarray(0, 11))).toEqual([]);
    expect(await decodeBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('LogAppendTime: every record takes the batch maxTimestamp', async () => {
    const batch = await encodeBatch([{ value: 'x', timestamp: TS }, { value: 'y', timestamp: TS + 50 }]);
    setLogAppendTime(batch, TS + 999_999);
    const [decoded] = await decodeBatches(batch);
    expect(decoded!.header.timestampType).toBe('LogAppendTime');
    expect(decoded!.records.map((r) => r.timestamp)).toEqual([TS + 999_999, TS + 999_999]);
  });

  it('accepts an empty batch (recordsCount 0, as compaction can leave)', async () => {
    const one = await encodeBatch([{ value: 'x', timestamp: TS }]);
    const empty = rebody(one, Buffer.alloc(0), { recordsCount: 0 });
    const [decoded] = await decodeBatches(empty);
    expect(decoded!.records).toEqual([]);
  });

  it('returns views into the input, not copies', async () => {
    const batch = await encodeBatch([{ key: 'k', value: 'v', timestamp: TS }]);
    const [decoded] = await decodeBatches(batch);
    expect(decoded!.records[0]!.value!.buffer).toBe(batch.buffer);
  });
});

describe('snappy with xerial framing (the Java client)', () => {
  async function xerialBatch(inputs: RecordInput[], chunk: number): Promise<Buffer> {
    const plain = await encodeBatch(inputs);
    const records = plain.subarray(BATCH.OVERHEAD);
    return rebody(plain, xerialFrame(records, chunk), { attributes: COMPRESSION_CODES.snappy });
  }

  it('decodes a single-chunk xerial batch', async () => {
    const inputs = [{ key: 'k', value: 'hello from java', headers: { h: 'v' }, timestamp: TS }];
    const [decoded] = await decodeBatches(await xerialBatch(inputs, 32 * 1024));
    expect(decoded!.header.compression).toBe('snappy');
    expectDecodedAs(decoded!, inputs, 0);
  });

  it('decodes a multi-chunk xerial batch whose chunks split records', async () => {
    const inputs = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `value ${i} `.repeat(5), timestamp: TS + i }));
    const batch = await xerialBatch(inputs, 777); // chunk boundaries fall mid-record
    const [decoded] = await decodeBatches(batch);
    expectDecodedAs(decoded!, inputs, 0);
  });
});

describe('decodeRecords (sync, on an already decompressed region)', () => {
  it('decodes the records region of an uncompressed batch', async () => {
    const batch = await encodeBatch([{ value: 'a', timestamp: TS }, { value: 'b', timestamp: TS + 1 }], { baseOffset: 7 });
    const { header } = await decodeBatch(batch);
    const records = decodeRecords(header, batch.subarray(BATCH.OVERHEAD));
    expect(records.map((r) => [r.offset, r.timestamp, r.value!.toString()])).toEqual([
      [7, TS, 'a'],
      [8, TS + 1, 'b'],
    ]);
  });
});
