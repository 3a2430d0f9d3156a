/**
 * Metadata (key 3), v0-12. One broker (node 0 at the advertised address) that is controller and leader
 * of every partition. Semantics (kafka-protocol.md §6.4-6.5): v0 `[]` = all topics; v1+ `null`
 * = all, `[]` = none. Unknown topics are created when both the request (v4+
 * allow_auto_topic_creation; always for v0-3) and the broker allow it. v10+ answers each topic's
 * persisted id, and topics may be asked for by id (name null, v12 answers null names for unknown
 * ids with UNKNOWN_TOPIC_ID); ids are never auto-created.
 */
import { metadata } from '../protocol/apis/index.js';
import { type ResponseOf } from '../protocol/index.js';
import type { TopicInfo } from '../../storage/types.js';
import { ErrorCode } from './errors.js';
import { findOrCreateTopic, INTERNAL_TOPICS, topicById, ZERO_UUID } from './topics.js';
import { defineHandler, type KafkaBrokerContext } from './types.js';

type MetadataResponse = ResponseOf<typeof metadata>;
type TopicEntry = MetadataResponse['topics'][number];

export const metadataHandler = defineHandler(metadata, async (request, ctx) => {
  const { broker } = ctx;
  let topics: TopicEntry[];
  const all = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
  if (all) {
    topics = broker.store
      .listTopics()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => topicEntry(broker, t));
  } else {
    const allowCreate = ctx.apiVersion < 4 || request.allowAutoTopicCreation;
    const wanted = request.topics!;
    const byId = wanted.filter((t) => t.name === null);
    const names = [...new Set(wanted.filter((t) => t.name !== null).map((t) => t.name as string))];
    topics = await Promise.all(
      names.map(async (name): Promise<TopicEntry> => {
        const found = await findOrCreateTopic(broker, name, allowCreate);
        if (!found.topic) return errorEntry(name, found.errorCode);
        return topicEntry(broker, found.topic);
      }),
    );
    for (const { topicId } of byId) {
      const topic = topicId === ZERO_UUID ? undefined : topicById(broker, topicId);
      // Response names are nullable from v12 only; v10-11 answer an unknown id with "".
      const unknownName = ctx.apiVersion >= 12 ? null : '';
      topics.push(topic ? topicEntry(broker, topic) : { ...errorEntry(unknownName, ErrorCode.UNKNOWN_TOPIC_ID), topicId });
    }
  }
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId: broker.nodeId, host: broker.advertisedHost, port: broker.advertisedPort, rack: null }],
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
});

function topicEntry(broker: KafkaBrokerContext, topic: TopicInfo): TopicEntry {
  const partitions: TopicEntry['partitions'] = [];
  for (let i = 0; i < topic.partitions; i++) {
    partitions.push({
      errorCode: 0,
      partitionIndex: i,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    });
  }
  return {
    errorCode: 0,
    name: topic.name,
    topicId: topic.id,
    isInternal: INTERNAL_TOPICS.has(topic.name),
    partitions,
    topicAuthorizedOperations: -2147483648,
  };
}

function errorEntry(name: string | null, errorCode: number): TopicEntry {
  return {
    errorCode,
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: -2147483648,
  };
}
