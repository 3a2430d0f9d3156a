import { describe, expect, it } from 'vitest';
import { recordsInBatches } from '../../../broker/metrics/traffic.js';
import { encodeBatch } from '../../../broker/records/encoder.js';

describe('recordsInBatches', () => {
  it('sums the record counts of consecutive batches, compressed ones included, without decoding', async () => {
    const a = await encodeBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const b = await encodeBatch(Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })), { compression: 'gzip' });
    expect(recordsInBatches(a)).toBe(3);
    expect(recordsInBatches(Buffer.concat([a, b]))).toBe(13);
    expect(recordsInBatches(Buffer.alloc(0))).toBe(0);
  });

  it('ignores a trailing fragment shorter than a batch header', async () => {
    const a = await encodeBatch([{ value: 'a' }]);
    expect(recordsInBatches(Buffer.concat([a, Buffer.alloc(20)]))).toBe(1);
  });
});
