import { describe, expect, expectTypeOf, it } from 'vitest';
import type { RequestOf, ResponseOf } from '../../../../broker/kafka/protocol/index.js';
import { decodeRequest, encodeRequest } from '../../../../broker/kafka/protocol/index.js';
import { fetch, metadata, produce } from '../../../../broker/kafka/protocol/apis/index.js';

describe('message types derived from the tables', () => {
  it('types decoded bodies', () => {
    type MetadataRequest = RequestOf<typeof metadata>;
    expectTypeOf<MetadataRequest['allowAutoTopicCreation']>().toEqualTypeOf<boolean>();
    expectTypeOf<MetadataRequest['topics']>().toEqualTypeOf<Array<{ topicId: string; name: string | null }> | null>();
    type ProduceRequest = RequestOf<typeof produce>;
    expectTypeOf<ProduceRequest['topicData'][number]['partitionData'][number]['records']>().toEqualTypeOf<Buffer | null>();
    expectTypeOf<ProduceRequest['timeoutMs']>().toEqualTypeOf<number>();
    type FetchResponse = ResponseOf<typeof fetch>;
    expectTypeOf<FetchResponse['responses'][number]['partitions'][number]['highWatermark']>().toEqualTypeOf<bigint>();
    expectTypeOf<FetchResponse['responses'][number]['partitions'][number]['currentLeader']>().toEqualTypeOf<{ leaderId: number; leaderEpoch: number }>();

    const d = decodeRequest(encodeRequest(metadata, 4, 1, null, { topics: [{ name: 'a' }] }).subarray(4));
    if (d.kind !== 'ok') throw new Error('unexpected');
    const body = d.body as MetadataRequest;
    expect(body.topics?.[0]?.name).toBe('a');
    expect(body.allowAutoTopicCreation).toBe(true);
  });
});
