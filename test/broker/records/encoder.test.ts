import fc from 'fast-check';
import { compressSync as snappyCompressSync, uncompressSync as snappyUncompressSync } from 'snappy';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { BATCH, readBatchHeader, validateProducedBatch, type CompressionCodec } from '../../../broker/records/batch-header.js';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { encodeBatch, type EncodeOptions, type RecordInput } from '../../../broker/records/encoder.js';
import { payload, timestamp } from './arbitraries.js';
import { kafkajs } from './helpers.js';

const TS = 1_700_000_000_000;

describe('encodeBatch golden bytes', () => {
  it('one record, key "k", value "v", no headers: every byte checked by hand', async () => {
    const batch = await encodeBatch([{ key: 'k', value: 'v', timestamp: TS }]);
    const expected = [
      '0000000000000000', // baseOffset 0 (the log assigns the real one)
      '0000003a', // batchLength 58 = 70 - 12
      'ffffffff', // partitionLeaderEpoch -1, as Java producers send it
      '02', // magic
      'e99b8dd8', // CRC-32C of bytes 21..69 (checked with an independent bitwise CRC-32C)
      '0000', // attributes: no compression, CreateTime, not transactional
      '00000000', // lastOffsetDelta
      '0000018bcfe56800', // baseTimestamp 1700000000000
      '0000018bcfe56800', // maxTimestamp
      'ffffffffffffffff', // producerId -1
      'ffff', // producerEpoch -1
      'ffffffff', // baseSequence -1
      '00000001', // recordsCount
      '10', // record length 8 (zig-zag)
      '00', // record attributes
      '00', // timestampDelta 0
      '00', // offsetDelta 0
      '02', '6b', // key length 1, "k"
      '02', '76', // value length 1, "v"
      '00', // header count 0
    ].join('');
    expect(batch.toString('hex')).toBe(expected);
    expect(batch.readUInt32BE(BATCH.CRC)).toBe(0xe99b8dd8);
    expect(batch.length).toBe(70);
  });

  it('null key and value, a null header value, negative timestamp delta', async () => {
    const batch = await encodeBatch([
      { key: null, value: 'a', timestamp: TS },
      { value: null, headers: [{ key: 'h', value: null }], timestamp: TS - 1 },
    ]);
    expect(batch.subarray(BATCH.OVERHEAD).toString('hex')).toBe(
      [
        '0e', '00', '00', '00', '01', '02', '61', '00', // record 0: length 7, key null, value "a", 0 headers
        '12', '00', '01', '02', '01', '01', '02', '02', '68', '01', // record 1: length 9, delta -1, offset 1, key null, value null, 1 header "h" = null
      ].join(''),
    );
    const header = readBatchHeader(batch);
    expect(header.baseTimestamp).toBe(TS); // the first record's, as in Java's MemoryRecordsBuilder
    expect(header.maxTimestamp).toBe(TS);
    expect(header.lastOffsetDelta).toBe(1);
  });
});

/** The same records through kafkajs's RecordBatch encoder, with the header values Sluice uses. */
async function kafkajsBatch(records: RecordInput[], compression = 0): Promise<Buffer> {
  const first = records[0]!.timestamp!;
  const encoded = records.map((r, i) =>
    kafkajs.Record({ offsetDelta: i, timestampDelta: r.timestamp! - first, key: r.key ?? null, value: r.value, headers: r.headers ?? {} }),
  );
  const batch = await kafkajs.RecordBatch({
    compression,
    records: encoded,
    firstOffset: kafkajs.Long.fromInt(0),
    firstTimestamp: first,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp!)),
    partitionLeaderEpoch: -1,
    lastOffsetDelta: records.length - 1,
    producerId: kafkajs.Long.fromValue(-1),
    producerEpoch: -1,
    firstSequence: -1,
  });
  return batch.buffer;
}

// kafkajs takes headers as an object and cannot encode null header values. Its decoder folds
// headers into a plain object, so a header named after an Object.prototype member ("toString",
// "valueOf") comes back as an array: a kafkajs quirk, kept out of the decode cross-check.
const headerKey = fc.string({ maxLength: 10 });
const kafkajsRecordWith = (key: fc.Arbitrary<string>): fc.Arbitrary<RecordInput> =>
  fc.record({
    key: fc.option(payload, { nil: null }),
    value: fc.option(payload, { nil: null }),
    headers: fc.dictionary(key, payload, { maxKeys: 4 }),
    timestamp,
  });
const kafkajsRecord = kafkajsRecordWith(headerKey);
const kafkajsDecodableRecord = kafkajsRecordWith(headerKey.filter((k) => !(k in Object.prototype)));

describe('cross-check with kafkajs (a client nobody here wrote)', () => {
  it('uncompressed batches are byte-identical to kafkajs RecordBatch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(kafkajsRecord, { minLength: 1, maxLength: 30 }), async (records) => {
        const ours = await encodeBatch(records);
        const theirs = await kafkajsBatch(records);
        expect(ours.toString('hex')).toBe(theirs.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('gzip: kafkajs compresses the same records blob (identical after gunzip) and the decoder reads kafkajs batches', async () => {
    const records: RecordInput[] = Array.from({ length: 50 }, (_, i) => ({
      key: `key-${i % 7}`,
      value: i % 10 === 0 ? null : JSON.stringify({ order: i, status: 'paid' }),
      headers: { trace: `t-${i}`, source: Buffer.from([i]) },
      timestamp: TS + i * 13,
    }));
    const theirs = await kafkajsBatch(records, kafkajs.compression.Types.GZIP);
    const [batch] = await decodeBatches(theirs);
    expect(batch!.header.compression).toBe('gzip');
    expect(batch!.records).toHaveLength(50);
    batch!.records.forEach((r, i) => {
      expect(r.offset).toBe(i);
      expect(r.timestamp).toBe(TS + i * 13);
      expect(r.key?.toString()).toBe(`key-${i % 7}`);
      expect(r.value === null ? null : r.value.toString()).toBe(records[i]!.value);
      expect(r.headers).toEqual([
        { key: 'trace', value: Buffer.from(`t-${i}`) },
        { key: 'source', value: Buffer.from([i]) },
      ]);
    });
    // Same header and records blob as ours once decompressed.
    const ours = await encodeBatch(records, { compression: 'gzip' });
    expect(ours.subarray(BATCH.ATTRIBUTES, BATCH.OVERHEAD).equals(theirs.subarray(BATCH.ATTRIBUTES, BATCH.OVERHEAD))).toBe(true);
  });

  describe('kafkajs decodes our batches', () => {
    beforeAll(() => {
      // kafkajs ships gzip only; the others are registered as its docs describe ("Compression"),
      // straight on the native libraries, so only the batch and record framing are under test.
      const { Codecs, Types } = kafkajs.compression;
      const wrap = (c: (b: Buffer) => Buffer, d: (b: Buffer) => Buffer | string) => () => ({
        compress: async (enc: { buffer: Buffer }) => c(enc.buffer),
        decompress: async (buf: Buffer) => Buffer.from(d(buf)),
      });
      Codecs[Types.Snappy] = wrap(snappyCompressSync, snappyUncompressSync);
      Codecs[Types.LZ4] = wrap((b) => compressFrameSync(b), (b) => decompressFrameSync(b));
      Codecs[Types.ZSTD] = wrap((b) => zstdCompress(b), (b) => zstdDecompress(b));
    });

    for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[]) {
      it(codec, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(kafkajsDecodableRecord, { minLength: 1, maxLength: 20 }), fc.nat(1_000_000), async (records, baseOffset) => {
            const ours = await encodeBatch(records, { compression: codec, baseOffset });
            const decoded = await kafkajs.decodeBatch(new kafkajs.Decoder(ours));
            expect(decoded.records).toHaveLength(records.length);
            decoded.records.forEach((r, i) => {
              const input = records[i]!;
              expect(r.offset).toBe(String(baseOffset + i));
              expect(r.timestamp).toBe(String(input.timestamp));
              expect(r.key).toEqual(input.key == null ? null : Buffer.from(input.key));
              expect(r.value).toEqual(input.value == null ? null : Buffer.from(input.value));
              const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
              expect(r.headers).toEqual(headers);
            });
          }),
          { numRuns: 40 },
        );
      });
    }
  });
});

describe('encodeBatch options', () => {
  const records: RecordInput[] = [{ value: 'a', timestamp: TS + 5 }, { value: 'b', timestamp: TS }, { value: 'c', timestamp: TS + 9 }];

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionCodec[]) {
    it(`${codec}: a batch a producer could have sent (validateProducedBatch accepts it)`, async () => {
      const batch = await encodeBatch(records, { compression: codec });
      const header = validateProducedBatch(batch, 1_048_588);
      expect(header.compression).toBe(codec);
      expect(header.recordsCount).toBe(3);
      expect(header.lastOffsetDelta).toBe(2);
      expect(header.baseTimestamp).toBe(TS + 5);
      expect(header.maxTimestamp).toBe(TS + 9);
    });
  }

  it('writes idempotent and transactional producer fields and attribute bits', async () => {
    const batch = await encodeBatch(records, {
      baseOffset: 1234,
      producerId: 77,
      producerEpoch: 3,
      baseSequence: 10,
      transactional: true,
      timestampType: 'LogAppendTime',
      partitionLeaderEpoch: 0,
      compression: 'zstd',
    });
    const header = validateProducedBatch(batch, 1_048_588);
    expect(header).toMatchObject({
      baseOffset: 1234,
      producerId: 77,
      producerEpoch: 3,
      baseSequence: 10,
      isTransactional: true,
      isControl: false,
      timestampType: 'LogAppendTime',
      partitionLeaderEpoch: 0,
      attributes: 4 | 0x08 | 0x10,
    });
  });

  it('stamps records without a timestamp with one Date.now() for the batch', async () => {
    const before = Date.now();
    const batch = await encodeBatch([{ value: 'x' }, { value: 'y' }]);
    const after = Date.now();
    const [decoded] = await decodeBatches(batch);
    const [a, b] = decoded!.records;
    expect(a!.timestamp).toBeGreaterThanOrEqual(before);
    expect(a!.timestamp).toBeLessThanOrEqual(after);
    expect(b!.timestamp).toBe(a!.timestamp);
  });

  it('rejects an empty batch, a producerId without a sequence, a non-integer timestamp', async () => {
    const cases: Array<[RecordInput[], EncodeOptions, RegExp]> = [
      [[], {}, /at least one record/],
      [[{ value: 'a' }], { producerId: 5 }, /requires a baseSequence/],
      [[{ value: 'a', timestamp: 1.5 }], {}, /record 0: timestamp 1.5/],
    ];
    for (const [records, options, message] of cases) {
      const err = await encodeBatch(records, options).then(() => null, (e: unknown) => e);
      expect(isSluiceError(err, 'INVALID_BATCH')).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('writes multi-byte UTF-8 strings at their byte length', async () => {
    const batch = await encodeBatch([{ key: 'clé', value: '数据🚀', headers: { 'en-tête': 'välue' }, timestamp: TS }]);
    const [decoded] = await decodeBatches(batch);
    const r = decoded!.records[0]!;
    expect(r.key!.toString()).toBe('clé');
    expect(r.value!.toString()).toBe('数据🚀');
    expect(r.headers).toEqual([{ key: 'en-tête', value: Buffer.from('välue') }]);
  });
});
