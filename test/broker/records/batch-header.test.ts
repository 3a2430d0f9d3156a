import { describe, expect, it } from 'vitest';
import { isSluiceError, type SluiceErrorCode } from '../../../broker/errors.js';
import {
  ATTR_CONTROL,
  BATCH,
  lastOffsetOf,
  probeBatch,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  validateProducedBatch,
} from '../../../broker/records/batch-header.js';
import { crc32c } from '../../../broker/records/crc32c.js';
import { encodeBatch } from '../../../broker/records/encoder.js';
import { fixCrc, flip } from './helpers.js';

const TS = 1_700_000_000_000;
const MAX = 1_048_588;

function expectRejected(bytes: Buffer, code: SluiceErrorCode, message: RegExp, max = MAX): void {
  try {
    validateProducedBatch(bytes, max);
  } catch (err) {
    expect(isSluiceError(err, code), String(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('validateProducedBatch accepted the batch');
}

describe('crc32c', () => {
  it('matches the CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });
});

describe('validateProducedBatch', async () => {
  const batch = await encodeBatch(
    [
      { key: 'a', value: '1', timestamp: TS },
      { key: 'b', value: '2', timestamp: TS + 10 },
      { key: 'c', value: '3', timestamp: TS + 5 },
    ],
    { producerId: 9, producerEpoch: 1, baseSequence: 0 },
  );
  const copy = () => Buffer.from(batch);

  it('accepts a valid batch and returns its header', () => {
    const header = validateProducedBatch(batch, MAX);
    expect(header).toMatchObject({
      baseOffset: 0,
      sizeInBytes: batch.length,
      magic: 2,
      recordsCount: 3,
      lastOffsetDelta: 2,
      baseTimestamp: TS,
      maxTimestamp: TS + 10,
      producerId: 9,
      producerEpoch: 1,
      baseSequence: 0,
      compression: 'none',
      timestampType: 'CreateTime',
      isTransactional: false,
      isControl: false,
    });
    expect(lastOffsetOf({ ...header, baseOffset: 40 })).toBe(42);
  });

  it('accepts a batch exactly at the size limit and rejects one byte over (BATCH_TOO_LARGE)', () => {
    expect(() => validateProducedBatch(batch, batch.length)).not.toThrow();
    expectRejected(batch, 'BATCH_TOO_LARGE', new RegExp(`batch of ${batch.length} bytes exceeds max.message.bytes ${batch.length - 1}`), batch.length - 1);
  });

  it('rejects a batchLength that disagrees with the bytes given', () => {
    expectRejected(Buffer.concat([batch, batch]), 'INVALID_BATCH', /exactly one batch is expected/);
    const short = fixCrc(copy().subarray(0, batch.length - 1));
    expectRejected(short, 'INVALID_BATCH', new RegExp(`batchLength declares ${batch.length} bytes but ${batch.length - 1} were given`));
    const longer = copy();
    longer.writeInt32BE(batch.length, BATCH.BATCH_LENGTH);
    expectRejected(longer, 'INVALID_BATCH', /batchLength declares/);
  });

  it('rejects fewer bytes than a header', () => {
    expectRejected(batch.subarray(0, 60), 'INVALID_BATCH', /60 bytes is shorter than the 61-byte header/);
  });

  it('rejects magic 1 (INVALID_BATCH)', () => {
    const bad = copy();
    bad.writeInt8(1, BATCH.MAGIC);
    expectRejected(bad, 'INVALID_BATCH', /magic 1 is not 2/);
  });

  it('rejects a CRC mismatch (CORRUPT_BATCH)', () => {
    const bad = copy();
    flip(bad, bad.length - 1, 0x01);
    expectRejected(bad, 'CORRUPT_BATCH', /CRC-32C mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/);
  });

  it('rejects recordsCount 0 and a lastOffsetDelta that disagrees with it', () => {
    const zero = copy();
    zero.writeInt32BE(0, BATCH.RECORDS_COUNT);
    expectRejected(fixCrc(zero), 'INVALID_BATCH', /recordsCount 0 must be positive/);
    const delta = copy();
    delta.writeInt32BE(5, BATCH.LAST_OFFSET_DELTA);
    expectRejected(fixCrc(delta), 'INVALID_BATCH', /lastOffsetDelta 5 does not match recordsCount 3/);
  });

  it('rejects the control bit (only the broker writes transaction markers)', () => {
    const bad = copy();
    bad.writeInt16BE(bad.readInt16BE(BATCH.ATTRIBUTES) | ATTR_CONTROL, BATCH.ATTRIBUTES);
    expectRejected(fixCrc(bad), 'INVALID_BATCH', /control batches are written by the broker/);
  });

  it('rejects a producerId without a baseSequence', () => {
    const bad = copy();
    bad.writeInt32BE(-1, BATCH.BASE_SEQUENCE);
    expectRejected(fixCrc(bad), 'INVALID_BATCH', /producerId 9 requires a baseSequence >= 0/);
  });

  it('rejects compression codes 5-7 (UNSUPPORTED_COMPRESSION)', () => {
    for (const code of [5, 6, 7]) {
      const bad = copy();
      bad.writeInt16BE(code, BATCH.ATTRIBUTES);
      expectRejected(fixCrc(bad), 'UNSUPPORTED_COMPRESSION', new RegExp(`compression code ${code} is not defined`));
    }
  });
});

describe('in-place rewrites', async () => {
  const original = await encodeBatch([{ value: 'x', timestamp: TS }, { value: 'y', timestamp: TS + 3 }], { compression: 'gzip' });

  it('setBaseOffset and setPartitionLeaderEpoch leave the CRC valid (both are outside it)', () => {
    const b = Buffer.from(original);
    setBaseOffset(b, 2 ** 40 + 7);
    setPartitionLeaderEpoch(b, 3);
    const header = validateProducedBatch(b, MAX);
    expect(header.baseOffset).toBe(2 ** 40 + 7);
    expect(header.partitionLeaderEpoch).toBe(3);
    expect(header.crc).toBe(original.readUInt32BE(BATCH.CRC));
  });

  it('setLogAppendTime sets the type bit and maxTimestamp and recomputes a valid CRC', () => {
    const b = Buffer.from(original);
    setLogAppendTime(b, TS + 1_000_000);
    const probe = probeBatch(b);
    expect(probe.kind).toBe('batch');
    const header = validateProducedBatch(b, MAX);
    expect(header.timestampType).toBe('LogAppendTime');
    expect(header.maxTimestamp).toBe(TS + 1_000_000);
    expect(header.compression).toBe('gzip'); // the codec bits survive
    expect(header.crc).not.toBe(original.readUInt32BE(BATCH.CRC));
  });

  it('setLogAppendTime works on a batch in the middle of a buffer', () => {
    const buf = Buffer.concat([original, original]);
    setLogAppendTime(buf, TS + 5, original.length);
    expect(probeBatch(buf, 0).kind).toBe('batch');
    const second = probeBatch(buf, original.length);
    expect(second.kind === 'batch' && second.header.maxTimestamp).toBe(TS + 5);
  });
});

describe('probeBatch', async () => {
  const batch = await encodeBatch([{ value: 'hello', timestamp: TS }]);

  it('finds a whole batch at an offset inside a larger buffer, bounded by `end`', () => {
    const buf = Buffer.concat([Buffer.alloc(5, 0xee), batch, Buffer.alloc(7, 0xee)]);
    const probe = probeBatch(buf, 5, 5 + batch.length);
    expect(probe.kind).toBe('batch');
    expect(probe.kind === 'batch' && readBatchHeader(buf, 5)).toEqual(probe.kind === 'batch' && probe.header);
  });

  it('reports a truncated tail with the total size the batch needs, at every cut', () => {
    for (let cut = 0; cut < batch.length; cut++) {
      const probe = probeBatch(batch, 0, cut);
      expect(probe.kind).toBe('truncated');
      // Before the length field is readable only the header size is known.
      expect(probe.kind === 'truncated' && probe.needed).toBe(cut < BATCH.LOG_OVERHEAD ? BATCH.OVERHEAD : batch.length);
    }
  });

  it('reports a batchLength below the header as invalid, even when the header is incomplete', () => {
    const bad = Buffer.from(batch);
    bad.writeInt32BE(3, BATCH.BATCH_LENGTH);
    expect(probeBatch(bad).kind).toBe('invalid');
    expect(probeBatch(bad, 0, 20).kind).toBe('invalid');
    expect(probeBatch(bad)).toEqual({ kind: 'invalid', reason: 'batchLength 3 is below the minimum 49' });
  });

  it('reports magic, CRC and record count problems as invalid without throwing', () => {
    const magic = Buffer.from(batch);
    magic.writeInt8(0, BATCH.MAGIC);
    expect(probeBatch(magic)).toEqual({ kind: 'invalid', reason: 'magic 0 is not 2 (only record batch v2 is supported)' });
    const crc = Buffer.from(batch);
    flip(crc, BATCH.OVERHEAD, 0xff);
    expect(probeBatch(crc)).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^CRC-32C mismatch/) });
    const count = Buffer.from(batch);
    count.writeInt32BE(-1, BATCH.RECORDS_COUNT);
    expect(probeBatch(fixCrc(count))).toEqual({ kind: 'invalid', reason: 'recordsCount -1 must be positive' });
  });
});
