/**
 * DeleteRecords (key 21), v0-1. Advances each partition's log start offset: `offset` -1 means the
 * high watermark, anything past it (or below -1) is OFFSET_OUT_OF_RANGE. Answers the new log
 * start offset as `lowWatermark` (-1 on error).
 */
import { deleteRecords } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { kafkaErrorCodeFor } from './errors.js';
import { AdminErrorCode } from './topic-configs.js';
import { defineHandler, type KafkaBrokerContext } from './types.js';

type DeleteRecordsResponse = ResponseOf<typeof deleteRecords>;
type PartitionResult = DeleteRecordsResponse['topics'][number]['partitions'][number];

export const deleteRecordsHandler = defineHandler(deleteRecords, async (request, ctx) => ({
  throttleTimeMs: 0,
  topics: await Promise.all(
    request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => deleteBefore(ctx.broker, t.name, p.partitionIndex, p.offset))),
    })),
  ),
}));

async function deleteBefore(broker: KafkaBrokerContext, topic: string, partition: number, offset: bigint): Promise<PartitionResult> {
  const failed = (errorCode: number): PartitionResult => ({ partitionIndex: partition, lowWatermark: -1n, errorCode });
  const info = broker.store.getTopic(topic);
  if (!info || partition < 0 || partition >= info.partitions) return failed(AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  try {
    const { logEndOffset } = broker.store.offsets(topic, partition);
    const target = offset === -1n ? logEndOffset : offset;
    if (target < 0n || target > BigInt(logEndOffset)) return failed(AdminErrorCode.OFFSET_OUT_OF_RANGE);
    const after = await broker.store.deleteRecords(topic, partition, Number(target));
    return { partitionIndex: partition, lowWatermark: BigInt(after.logStartOffset), errorCode: AdminErrorCode.NONE };
  } catch (err) {
    return failed(kafkaErrorCodeFor(err));
  }
}
