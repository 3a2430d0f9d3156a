/**
 * DeleteTopics (key 20), v0-3. Unknown topics answer UNKNOWN_TOPIC_OR_PARTITION (3); the broker's
 * internal topics (__consumer_offsets, ...) are refused with INVALID_TOPIC_EXCEPTION (17): v0-3
 * responses carry no message, so the reason is logged.
 */
import { deleteTopics } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { AdminErrorCode, adminFailure } from './topic-configs.js';
import { INTERNAL_TOPICS } from './topics.js';
import { defineHandler } from './types.js';

type DeleteTopicsResponse = ResponseOf<typeof deleteTopics>;
type TopicResult = DeleteTopicsResponse['responses'][number];

export const deleteTopicsHandler = defineHandler(deleteTopics, async (request, ctx) => {
  const { broker } = ctx;
  const counts = new Map<string, number>();
  for (const name of request.topicNames) counts.set(name, (counts.get(name) ?? 0) + 1);
  const responses: TopicResult[] = [];
  for (const name of request.topicNames) {
    if (counts.get(name)! > 1) {
      responses.push({ name, errorCode: AdminErrorCode.INVALID_REQUEST });
      continue;
    }
    if (INTERNAL_TOPICS.has(name)) {
      broker.logger.warn('refusing to delete an internal topic', { topic: name, clientId: ctx.clientId });
      responses.push({ name, errorCode: AdminErrorCode.INVALID_TOPIC_EXCEPTION });
      continue;
    }
    if (!broker.store.getTopic(name)) {
      responses.push({ name, errorCode: AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
      continue;
    }
    try {
      await broker.store.deleteTopic(name);
      responses.push({ name, errorCode: AdminErrorCode.NONE });
    } catch (err) {
      const { errorCode, errorMessage } = adminFailure(err);
      broker.logger.warn('deleting topic failed', { topic: name, error: errorMessage });
      responses.push({ name, errorCode });
    }
  }
  return { throttleTimeMs: 0, responses };
});
