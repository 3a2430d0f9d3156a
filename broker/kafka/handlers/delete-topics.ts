/**
 * DeleteTopics (key 20), v0-6. Unknown topics answer UNKNOWN_TOPIC_OR_PARTITION (3); the broker's
 * internal topics (__consumer_offsets, ...) are refused with INVALID_TOPIC_EXCEPTION (17), with a
 * message from v5 (older responses carry none, so the reason is also logged). v6 names each topic
 * by name or by id (KIP-516): an unknown id answers UNKNOWN_TOPIC_ID (100), both at once is
 * INVALID_REQUEST, and every answer carries the topic's name and id.
 */
import { deleteTopics } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import { AdminErrorCode, adminFailure } from './topic-configs.js';
import { ErrorCode } from './errors.js';
import { INTERNAL_TOPICS, topicById, ZERO_UUID } from './topics.js';
import { defineHandler, type RequestContext } from './types.js';

type DeleteTopicsResponse = ResponseOf<typeof deleteTopics>;
type TopicResult = DeleteTopicsResponse['responses'][number];

/** One requested topic: by name (id zero) or by id (name null), as v6 allows; older versions name it. */
interface Target {
  name: string | null;
  topicId: string;
}

export const deleteTopicsHandler = defineHandler(deleteTopics, async (request, ctx) => {
  const targets: Target[] = ctx.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const key = (t: Target) => (t.name !== null ? `n:${t.name}` : `i:${t.topicId}`);
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  const responses: TopicResult[] = [];
  for (const t of targets) {
    if (counts.get(key(t))! > 1) responses.push(answer(t, AdminErrorCode.INVALID_REQUEST, `Topic ${t.name ?? t.topicId} is listed more than once`));
    else responses.push(await deleteOne(ctx, t));
  }
  return { throttleTimeMs: 0, responses };
});

async function deleteOne(ctx: RequestContext, target: Target): Promise<TopicResult> {
  const { broker } = ctx;
  if (target.name !== null && target.topicId !== ZERO_UUID) {
    return answer(target, AdminErrorCode.INVALID_REQUEST, 'A topic is named by name or by id, not both');
  }
  const topic = target.name !== null ? broker.store.getTopic(target.name) : topicById(broker, target.topicId);
  if (!topic) {
    if (target.name === null) return answer(target, ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${target.topicId} does not exist`);
    return answer(target, AdminErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${target.name} does not exist`);
  }
  const found = { name: topic.name, topicId: topic.id };
  if (INTERNAL_TOPICS.has(topic.name)) {
    broker.logger.warn('refusing to delete an internal topic', { topic: topic.name, clientId: ctx.clientId });
    return answer(found, AdminErrorCode.INVALID_TOPIC_EXCEPTION, `${topic.name} is an internal topic of the broker`);
  }
  try {
    await broker.store.deleteTopic(topic.name);
    return answer(found, AdminErrorCode.NONE, null);
  } catch (err) {
    const { errorCode, errorMessage } = adminFailure(err);
    broker.logger.warn('deleting topic failed', { topic: topic.name, error: errorMessage });
    return answer(found, errorCode, errorMessage);
  }
}

function answer(target: Target, errorCode: number, errorMessage: string | null): TopicResult {
  // Names are nullable from v6 only; older versions always send one, so `name` is set there.
  return { name: target.name, topicId: target.topicId, errorCode, errorMessage };
}
