/**
 * CreateTopics (key 19), v0-7. One broker (node 0): replicationFactor must be -1 (default) or 1,
 * numPartitions -1 means the broker default, manual assignments are accepted only when every
 * partition 0..n-1 is placed on broker 0 alone. validateOnly checks everything and creates nothing.
 * v5+ answer the (would-be) topic's partition count, replication factor and configs (KIP-525);
 * v7+ its id (the zero id for validateOnly and failures, as Kafka does).
 */
import { isSluiceError } from '../../errors.js';
import { validateTopicName } from '../../storage/topic-config.js';
import type { TopicConfig, TopicInfo } from '../../storage/types.js';
import { createTopics } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { AdminErrorCode, adminFailure, ConfigError, describeTopicConfig, MAX_PARTITIONS, parseConfigs, storeDefaults, type DescribedConfig } from './topic-configs.js';
import { ZERO_UUID } from './topics.js';
import { defineHandler, type KafkaBrokerContext } from './types.js';

type CreateTopicsResponse = ResponseOf<typeof createTopics>;
type TopicResult = CreateTopicsResponse['topics'][number];
type TopicRequest = Parameters<typeof createTopicsHandler.handle>[0]['topics'][number];

export const createTopicsHandler = defineHandler(createTopics, async (request, ctx) => {
  const counts = new Map<string, number>();
  for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
  const validateOnly = ctx.apiVersion >= 1 && request.validateOnly;
  const topics: TopicResult[] = [];
  for (const t of request.topics) {
    if (counts.get(t.name)! > 1) {
      topics.push(result(t.name, AdminErrorCode.INVALID_REQUEST, `Topic ${t.name} is listed more than once in the request`));
      continue;
    }
    topics.push(await createOne(ctx.broker, t, validateOnly));
  }
  return { throttleTimeMs: 0, topics };
});

async function createOne(broker: KafkaBrokerContext, t: TopicRequest, validateOnly: boolean): Promise<TopicResult> {
  const { name } = t;
  try {
    validateTopicName(name);
  } catch (err) {
    return result(name, AdminErrorCode.INVALID_TOPIC_EXCEPTION, (err as Error).message);
  }
  if (broker.store.getTopic(name)) return result(name, AdminErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);

  let partitions: number;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      return result(name, AdminErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    const indexes = t.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
    const contiguous = indexes.every((p, i) => p === i);
    const onlyNode = t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === broker.nodeId);
    if (!contiguous || !onlyNode) {
      return result(
        name,
        AdminErrorCode.INVALID_REQUEST,
        `Sluice is a single-node broker: manual assignments must place partitions 0..n-1 on broker ${broker.nodeId} only`,
      );
    }
    partitions = indexes.length;
  } else {
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
      return result(
        name,
        AdminErrorCode.INVALID_REPLICATION_FACTOR,
        `Replication factor ${t.replicationFactor} is larger than the number of brokers (1): Sluice is a single-node broker; use 1 or -1`,
      );
    }
    partitions = t.numPartitions === -1 ? broker.defaultPartitions : t.numPartitions;
  }
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    return result(name, AdminErrorCode.INVALID_PARTITIONS, `Number of partitions must be in [1, ${MAX_PARTITIONS}] (got ${t.numPartitions})`);
  }

  let config: Partial<TopicConfig>;
  try {
    config = parseConfigs(t.configs);
  } catch (err) {
    if (err instanceof ConfigError) return result(name, AdminErrorCode.INVALID_CONFIG, err.message);
    throw err;
  }
  const defaults = storeDefaults(broker.store);
  if (validateOnly) return created(name, ZERO_UUID, partitions, describeTopicConfig({ ...defaults.config, ...config }, defaults));

  let topic: TopicInfo;
  try {
    topic = await broker.store.createTopic(name, partitions, config);
  } catch (err) {
    if (isSluiceError(err, 'INVALID_TOPIC_NAME')) return result(name, AdminErrorCode.INVALID_TOPIC_EXCEPTION, err.message);
    const { errorCode, errorMessage } = adminFailure(err);
    if (errorCode === AdminErrorCode.UNKNOWN_SERVER_ERROR) broker.logger.warn('creating topic failed', { topic: name, error: errorMessage });
    return result(name, errorCode, errorMessage);
  }
  broker.logger.info('created topic', { topic: name, partitions, config });
  return created(name, topic.id, topic.partitions, describeTopicConfig(topic.config, defaults));
}

function created(name: string, topicId: string, numPartitions: number, configs: DescribedConfig[]): TopicResult {
  return {
    ...result(name, AdminErrorCode.NONE, null),
    topicId,
    numPartitions,
    replicationFactor: 1,
    configs: configs.map((c) => ({ name: c.name, value: c.value, readOnly: c.readOnly, configSource: c.source, isSensitive: false })),
  };
}

/** A failure: Kafka answers -1 counts and null configs with it. */
function result(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, topicId: ZERO_UUID, errorCode, errorMessage, topicConfigErrorCode: 0, numPartitions: -1, replicationFactor: -1, configs: null };
}
