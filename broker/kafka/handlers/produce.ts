/**
 * Produce (key 0), v0-9. Record batch v2 only: old message sets (magic 0/1, what v0-2 clients
 * send) are answered with UNSUPPORTED_FOR_MESSAGE_FORMAT, as Kafka 4 does. Every partition of the request is appended
 * concurrently; the store validates the batch (framing, CRC-32C, size), assigns offsets and
 * resolves when the append is durable per the flush policy. acks=0 gets no response (§6.2), but
 * the appends still finish before the next request on the connection is answered.
 *
 * Idempotent batches (producerId >= 0, kafka-protocol.md §4) are checked against the partition's
 * producer state synchronously, in arrival order, before the append (see producers/): a resend of
 * one of the last 5 batches is answered with its original base offset and not appended; a gap
 * gets OUT_OF_ORDER_SEQUENCE_NUMBER, an older epoch INVALID_PRODUCER_EPOCH.
 *
 * v8+ responses carry the reason for a refused partition in `errorMessage` (see `failed`).
 */
import { produce } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import type { Reservation } from '../producers/producer-state.js';
import { BATCH, validateProducedBatch } from '../../records/batch-header.js';
import { countProduced } from '../../metrics/traffic.js';
import type { TopicInfo } from '../../storage/types.js';
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
          if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, not ${acks}`);
          if (!found!.topic) return failed(p.index, found!.errorCode, topicErrorMessage(topicData.name, found!.errorCode));
          if (p.index < 0 || p.index >= found!.topic.partitions) {
            return failed(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${topicData.name} has no partition ${p.index} (it has ${found!.topic.partitions})`);
          }
          return appendOne(ctx, found!.topic, p.index, p.records);
        }),
      );
      return { name: topicData.name, partitionResponses };
    }),
  );
  if (acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
});

async function appendOne(ctx: RequestContext, info: TopicInfo, partition: number, records: Buffer | null): Promise<PartitionResponse> {
  const topic = info.name;
  if (!records || records.length === 0) return failed(partition, ErrorCode.INVALID_RECORD, 'no record batch for this partition');
  if (records.length > MAGIC_AT && records[MAGIC_AT] !== 2) {
    return failed(partition, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format magic ${records[MAGIC_AT]}: only record batch v2 (magic 2) is accepted`);
  }
  // zstd needs Produce v7+ (KIP-110), as Kafka enforces.
  if (records.length >= ATTRIBUTES_AT + 2 && (records.readInt16BE(ATTRIBUTES_AT) & 0x07) === ZSTD && ctx.apiVersion < 7) {
    return failed(partition, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `zstd compression needs Produce v7 or later (this request is v${ctx.apiVersion})`);
  }
  const { store, logger } = ctx.broker;
  let reservation: Reservation | undefined;
  if (records.length >= BATCH.OVERHEAD && records.readBigInt64BE(BATCH.PRODUCER_ID) >= 0n) {
    const checked = await checkIdempotent(ctx, info, partition, records);
    if ('response' in checked) return checked.response;
    reservation = checked.reservation;
  }
  try {
    // The store keeps no reference to the request buffer's backing memory after append resolves,
    // but the frame may be a view of a pooled socket chunk: hand it an own copy.
    const result = await store.append(topic, partition, Buffer.from(records));
    reservation?.commit(result.baseOffset);
    countProduced(topic, records);
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
    reservation?.release(errorCode);
    const internal = errorCode === ErrorCode.UNKNOWN_SERVER_ERROR || errorCode === ErrorCode.KAFKA_STORAGE_ERROR;
    const message = err instanceof Error ? err.message : String(err);
    logger[internal ? 'error' : 'warn']('produce rejected', { topic, partition, errorCode, error: message, clientId: ctx.clientId });
    // The store's reasons for refusing a batch (framing, CRC, size) help the producer's author;
    // internal failures stay in the broker log.
    return failed(partition, errorCode, internal ? 'the broker could not store the batch; see its log' : message);
  }
}

/** Validates the batch (so a corrupt resend is never taken for a duplicate; the store checks it
 * again on append) and runs the sequence check. Between the partition's state being available and
 * the reservation nothing awaits, so concurrent requests are checked in arrival order. */
async function checkIdempotent(
  ctx: RequestContext,
  info: TopicInfo,
  partition: number,
  records: Buffer,
): Promise<{ response: PartitionResponse } | { reservation: Reservation }> {
  const { logger, producers } = ctx.broker;
  const reject = (errorCode: number, reason: string, extra: Record<string, unknown> = {}, toClient = reason) => {
    logger.warn('idempotent produce rejected', { topic: info.name, partition, errorCode, reason, clientId: ctx.clientId, ...extra });
    return { response: failed(partition, errorCode, toClient) };
  };
  let header;
  try {
    header = validateProducedBatch(records, info.config.maxMessageBytes);
  } catch (err) {
    return reject(kafkaErrorCodeFor(err), err instanceof Error ? err.message : String(err));
  }
  let state;
  try {
    state = producers.peek(info.id, partition) ?? (await producers.partition(info.name, info.id, partition));
  } catch (err) {
    return reject(kafkaErrorCodeFor(err), `rebuilding producer state failed: ${err instanceof Error ? err.message : String(err)}`, {}, 'the partition\'s producer state could not be read; see the broker log');
  }
  const batch = { producerId: header.producerId, producerEpoch: header.producerEpoch, baseSequence: header.baseSequence, lastOffsetDelta: header.lastOffsetDelta };
  const result = state.check(batch);
  switch (result.kind) {
    case 'append':
      return { reservation: result.reservation };
    case 'duplicate':
      return { response: duplicate(ctx, info.name, partition, result.baseOffset) };
    case 'pending': {
      const outcome = await result.outcome;
      if ('baseOffset' in outcome) return { response: duplicate(ctx, info.name, partition, outcome.baseOffset) };
      return { response: failed(partition, outcome.errorCode, 'the earlier send of this batch failed; it was not stored') };
    }
    case 'error':
      return reject(result.errorCode, sequenceErrorMessage(result.errorCode, batch), batch);
  }
}

/** Kafka answers a duplicate batch NONE with the original base offset (kafkajs fails on
 * DUPLICATE_SEQUENCE_NUMBER, reference §4). */
function duplicate(ctx: RequestContext, topic: string, partition: number, baseOffset: number): PartitionResponse {
  let logStartOffset = -1;
  try {
    logStartOffset = ctx.broker.store.offsets(topic, partition).logStartOffset;
  } catch {
    // partition gone meanwhile: -1 as for an unknown value
  }
  return {
    index: partition,
    errorCode: 0,
    baseOffset: BigInt(baseOffset),
    logAppendTimeMs: -1n,
    logStartOffset: BigInt(logStartOffset),
    recordErrors: [],
    errorMessage: null,
  };
}

/**
 * A refused partition. Every check here concerns the whole batch (the store validates framing,
 * CRC and size, and has no per-record rule such as compaction keys or timestamp bounds), so
 * `recordErrors` stays empty and v8+ clients get the reason in `errorMessage`.
 */
function failed(index: number, errorCode: number, errorMessage: string): PartitionResponse {
  return { index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage };
}

function topicErrorMessage(topic: string, errorCode: number): string {
  if (errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) return `topic ${topic} does not exist and auto-creation is off`;
  if (errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION) return `${JSON.stringify(topic)} is not a valid topic name`;
  return `topic ${topic} could not be created`;
}

function sequenceErrorMessage(errorCode: number, batch: { producerId: number; producerEpoch: number; baseSequence: number }): string {
  const who = `producer ${batch.producerId} epoch ${batch.producerEpoch}`;
  if (errorCode === ErrorCode.INVALID_PRODUCER_EPOCH) return `${who} is older than the partition's current epoch (fenced)`;
  if (errorCode === ErrorCode.UNKNOWN_PRODUCER_ID) return `${who} is unknown to this partition and sequence ${batch.baseSequence} is not 0`;
  return `${who}: sequence ${batch.baseSequence} does not follow the last one written (out of order)`;
}
