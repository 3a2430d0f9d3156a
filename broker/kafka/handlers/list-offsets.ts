/**
 * ListOffsets (key 2), v0-7. Timestamps (kafka-protocol.md §6.8): -2 earliest (log start), -1
 * latest (the high watermark; also for read_committed, as there are no transactions, LSO = HW),
 * v7+ -3 the record with the largest timestamp (max-timestamp.ts),
 * otherwise the first record whose own timestamp is >= the timestamp, answered with that record's
 * offset and timestamp (the store decodes the batch it locates by maxTimestamp), or offset -1 /
 * timestamp -1 when there is none. v0 answers `old_style_offsets` with exactly one offset.
 */
import { listOffsets } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { ErrorCode, kafkaErrorCodeFor } from './errors.js';
import { maxTimestampRecord } from './max-timestamp.js';
import { defineHandler, type RequestContext } from './types.js';

type ListOffsetsResponse = ResponseOf<typeof listOffsets>;
type PartitionResponse = ListOffsetsResponse['topics'][number]['partitions'][number];

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;
export const MAX_TIMESTAMP = -3n;

export const listOffsetsHandler = defineHandler(listOffsets, async (request, ctx) => ({
  throttleTimeMs: 0,
  topics: await Promise.all(
    request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(
        t.partitions.map((p) => lookup(ctx, t.name, p.partitionIndex, p.timestamp, p.maxNumOffsets)),
      ),
    })),
  ),
}));

async function lookup(ctx: RequestContext, topic: string, partition: number, timestamp: bigint, maxNumOffsets: number): Promise<PartitionResponse> {
  const { store } = ctx.broker;
  const info = store.getTopic(topic);
  if (!info || partition < 0 || partition >= info.partitions) return failed(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  let offset: number;
  let foundTimestamp = -1n;
  let logEndOffset: number;
  try {
    const offsets = store.offsets(topic, partition);
    logEndOffset = offsets.logEndOffset;
    if (timestamp === EARLIEST_TIMESTAMP) offset = offsets.logStartOffset;
    else if (timestamp === LATEST_TIMESTAMP) offset = offsets.logEndOffset;
    else if (timestamp === MAX_TIMESTAMP && ctx.apiVersion >= 7) {
      const hit = await maxTimestampRecord(store, topic, partition);
      offset = hit ? hit.offset : -1;
      foundTimestamp = hit ? BigInt(hit.timestamp) : -1n;
    } else if (timestamp < 0n) return failed(partition, ErrorCode.UNSUPPORTED_VERSION); // -3 before v7; -4, -5 are v8+
    else {
      const hit = await store.recordForTimestamp(topic, partition, Number(timestamp));
      offset = hit ? hit.offset : -1;
      foundTimestamp = hit ? BigInt(hit.timestamp) : -1n;
    }
  } catch (err) {
    return failed(partition, kafkaErrorCodeFor(err));
  }
  // v0 (legacy "offsets before"): a time past every batch answers the log end, as Kafka's
  // segment-based lookup does; sarama/Burrow insist on exactly one offset.
  const oldStyle = offset >= 0 ? offset : logEndOffset;
  return {
    partitionIndex: partition,
    errorCode: 0,
    oldStyleOffsets: maxNumOffsets > 0 ? [BigInt(oldStyle)] : [],
    timestamp: foundTimestamp,
    offset: BigInt(offset),
    leaderEpoch: -1,
  };
}

function failed(partitionIndex: number, errorCode: number): PartitionResponse {
  return { partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}
