/** Topic lookup with Kafka's auto-creation rule, shared by Metadata and Produce. */
import { isSluiceError } from '../../errors.js';
import type { TopicInfo } from '../../storage/types.js';
import { ErrorCode } from './errors.js';
import type { KafkaBrokerContext } from './types.js';

/** Topics Kafka clients treat as the broker's own (Metadata is_internal); `__sluice_queues` is the
 * queue layer's state journal (broker/queues/journal.ts). */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state', '__sluice_queues']);

/** Kafka's "no topic id" (Uuid.ZERO_UUID): what a request sends when it names a topic by name. */
export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** The topic with this id (ids are UUIDs generated at creation and persisted with the topic). */
export function topicById(broker: KafkaBrokerContext, id: string): TopicInfo | undefined {
  return broker.store.listTopics().find((t) => t.id === id);
}

export type TopicLookup = { topic: TopicInfo; errorCode: 0 } | { topic: undefined; errorCode: number };

/**
 * The topic, creating it with the broker's default partition count when `allowCreate` and the
 * broker's `autoCreateTopics` both say so. Concurrent creators of one name share the result.
 */
export async function findOrCreateTopic(broker: KafkaBrokerContext, name: string, allowCreate: boolean): Promise<TopicLookup> {
  const existing = broker.store.getTopic(name);
  if (existing) return { topic: existing, errorCode: 0 };
  if (!allowCreate || !broker.autoCreateTopics || INTERNAL_TOPICS.has(name)) {
    return { topic: undefined, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  }
  try {
    const topic = await broker.store.createTopic(name, broker.defaultPartitions);
    broker.logger.info('auto-created topic', { topic: name, partitions: broker.defaultPartitions });
    return { topic, errorCode: 0 };
  } catch (err) {
    if (isSluiceError(err, 'TOPIC_EXISTS')) {
      const raced = broker.store.getTopic(name);
      if (raced) return { topic: raced, errorCode: 0 };
    }
    if (isSluiceError(err, 'INVALID_TOPIC_NAME')) return { topic: undefined, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION };
    broker.logger.warn('auto-creating topic failed', { topic: name, error: String(err) });
    return { topic: undefined, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
  }
}
