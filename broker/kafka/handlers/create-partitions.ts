/**
 * CreatePartitions (key 37), v0-1. Grows a topic to `count` partitions (never shrinks:
 * INVALID_PARTITIONS). Assignments, when given, must place each new partition on broker 0 alone.
 * validateOnly checks and changes nothing.
 */
import { createPartitions } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { AdminErrorCode, adminFailure, MAX_PARTITIONS } from './topic-configs.js';
import { defineHandler, type KafkaBrokerContext } from './types.js';

type CreatePartitionsResponse = ResponseOf<typeof createPartitions>;
type Result = CreatePartitionsResponse['results'][number];
type TopicRequest = Parameters<typeof createPartitionsHandler.handle>[0]['topics'][number];

export const createPartitionsHandler = defineHandler(createPartitions, async (request, ctx) => {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const results: Result[] = [];
  for (const t of request.topics) {
    if (counts.get(t.name)! > 1) {
      results.push(result(t.name, AdminErrorCode.INVALID_REQUEST, `Topic ${t.name} is listed more than once in the request`));
      continue;
    }
    results.push(await growOne(ctx.broker, t, request.validateOnly));
  }
  return { throttleTimeMs: 0, results };
});

async function growOne(broker: KafkaBrokerContext, t: TopicRequest, validateOnly: boolean): Promise<Result> {
  const { name, count } = t;
  const topic = broker.store.getTopic(name);
  if (!topic) return result(name, AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
  const current = topic.partitions;
  if (count === current) return result(name, AdminErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
  if (count < current) {
    return result(
      name,
      AdminErrorCode.INVALID_PARTITIONS,
      `Topic currently has ${current} partitions, which is higher than the requested ${count}. Partitions can only be added.`,
    );
  }
  if (count > MAX_PARTITIONS) return result(name, AdminErrorCode.INVALID_PARTITIONS, `A topic can have at most ${MAX_PARTITIONS} partitions (requested ${count}).`);
  if (t.assignments !== null) {
    const ok = t.assignments.length === count - current && t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === broker.nodeId);
    if (!ok) {
      return result(
        name,
        AdminErrorCode.INVALID_REQUEST,
        `Sluice is a single-node broker: assignments must list ${count - current} new partition(s), each on broker ${broker.nodeId} only`,
      );
    }
  }
  if (validateOnly) return result(name, AdminErrorCode.NONE, null);
  try {
    await broker.store.createPartitions(name, count);
  } catch (err) {
    const failure = adminFailure(err);
    // The store refuses shrinking with INVALID_CONFIG (a concurrent grow); Kafka says INVALID_PARTITIONS.
    const errorCode = failure.errorCode === AdminErrorCode.INVALID_CONFIG ? AdminErrorCode.INVALID_PARTITIONS : failure.errorCode;
    return result(name, errorCode, failure.errorMessage);
  }
  broker.logger.info('added partitions', { topic: name, from: current, to: count });
  return result(name, AdminErrorCode.NONE, null);
}

function result(name: string, errorCode: number, errorMessage: string | null): Result {
  return { name, errorCode, errorMessage };
}
