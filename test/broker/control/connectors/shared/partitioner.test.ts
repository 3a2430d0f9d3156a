/** murmur2 partitioning must agree with kafkajs's DefaultPartitioner (Java-compatible) for any key. */
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../../../broker/control/connectors/shared/partitioner.js';

describe('partitionForKey', () => {
  it('matches kafkajs DefaultPartitioner for arbitrary keys and partition counts', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 64 }), (bytes, count) => {
        const key = Buffer.from(bytes);
        const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
        expect(partitionForKey(key, count)).toBe(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the Java client value for a known key', () => {
    // org.apache.kafka.common.utils.UtilsTest: murmur2("21") == -973932308.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
  });
});
