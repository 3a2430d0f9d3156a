/**
 * Produce (key 0), v0-7. Record batch v2 only: old message sets (magic 0/1, what v0-2 clients
 * send) are answered with UNSUPPORTED_FOR_MESSAGE_FORMAT, as Kafka 4 does. Every partition of the request is appended
 * concurrently; the store validates the batch (framing, CRC-32C, size), assigns offsets and
 * resolves when the append is durable per the flush policy. acks=0 gets no response (§6.2), but
 * the appends still finish before the next request on the connection is answered.
 */
import { produce } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { appendNotifier } from './append-notifier.js';
import { ErrorCode, kafkaErrorCodeFor } from './errors.js';
import { findOrCreateTopic } from './topics.js';
import { defineHandler, type RequestContext } from './types.js';

type ProduceResponse = ResponseOf<typeof produce>;
type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

/** Attributes bits 0-2 (kafka-protocol.md §2.2). */
const ZSTD = 4;
/** Byte offset of the int16 attributes in a record batch v2 (§2.1). */
const ATTRIBUTES_AT = 21;
/** Every message format keeps its magic byte here (§2.1). */
const MAGIC_AT = 16;

export const produceHandler = defineHandler(produce, async (request, ctx) => {
  const { acks } = request;
  const validAcks = acks === 0 || acks === 1 || acks === -1;
  const responses = await Promise.all(
    request.topicData.map(async (topicData) => {
      const found = validAcks ? await findOrCreateTopic(ctx.broker, topicData.name, true) : undefined;
      const partitionResponses = await Promise.all(
        topicData.partitionData.map((p): Promise<PartitionResponse> | PartitionResponse => {
          if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
          if (!found!.topic) return failed(p.index, found!.errorCode);
          if (p.index < 0 || p.index >= found!.topic.partitions) return failed(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          return appendOne(ctx, topicData.name, p.index, p.records);
        }),
      );
      return { name: topicData.name, partitionResponses };
    }),
  );
  if (acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
});

async function appendOne(ctx: RequestContext, topic: string, partition: number, records: Buffer | null): Promise<PartitionResponse> {
  if (!records || records.length === 0) return failed(partition, ErrorCode.INVALID_RECORD);
  if (records.length > MAGIC_AT && records[MAGIC_AT] !== 2) return failed(partition, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  // zstd needs Produce v7+ (KIP-110), as Kafka enforces.
  if (records.length >= ATTRIBUTES_AT + 2 && (records.readInt16BE(ATTRIBUTES_AT) & 0x07) === ZSTD && ctx.apiVersion < 7) {
    return failed(partition, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  }
  const { store, logger } = ctx.broker;
  try {
    // The store keeps no reference to the request buffer's backing memory after append resolves,
    // but the frame may be a view of a pooled socket chunk: hand it an own copy.
    const result = await store.append(topic, partition, Buffer.from(records));
    appendNotifier(store).notifyAppend(topic, partition);
    return {
      index: partition,
      errorCode: 0,
      baseOffset: BigInt(result.baseOffset),
      logAppendTimeMs: BigInt(result.logAppendTime),
      logStartOffset: BigInt(result.logStartOffset),
      recordErrors: [],
      errorMessage: null,
    };
  } catch (err) {
    const errorCode = kafkaErrorCodeFor(err);
    const level = errorCode === ErrorCode.UNKNOWN_SERVER_ERROR || errorCode === ErrorCode.KAFKA_STORAGE_ERROR ? 'error' : 'warn';
    logger[level]('produce rejected', {
      topic,
      partition,
      errorCode,
      error: err instanceof Error ? err.message : String(err),
      clientId: ctx.clientId,
    });
    return failed(partition, errorCode);
  }
}

function failed(index: number, errorCode: number): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: null };
}
