/**
 * Fetch (key 1). The codec covers v0-13 (v12+ flexible with tagged fields, v13 topic ids); all of
 * it is advertised (kafka-protocol.md §1.4: v0-3 only serve sarama/Burrow; stored v2 batches are
 * returned unchanged). @platformatic/kafka 1.35 sends topic ids in the v12 name field, so it
 * works only from v13, which names topics by their persisted ids. Layout: apache/kafka FetchRequest.json / FetchResponse.json. `records` is a Buffer view; an empty fetch must be
 * an empty buffer, not null (§6.7) — the handler's job, the codec allows both.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const fetch = defineApi({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 13,
  advertised: { min: 0, max: 13 },
  flexibleVersions: '12+',
  request: [
    {
      name: 'clusterId',
      type: 'string',
      versions: '12+',
      nullableVersions: '12+',
      default: null,
      tag: 0,
      taggedVersions: '12+',
    },
    { name: 'replicaId', type: 'int32', versions: '0+', default: -1 },
    { name: 'maxWaitMs', type: 'int32', versions: '0+' },
    { name: 'minBytes', type: 'int32', versions: '0+' },
    { name: 'maxBytes', type: 'int32', versions: '3+', default: 0x7fffffff },
    { name: 'isolationLevel', type: 'int8', versions: '4+', default: 0 },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    { name: 'sessionEpoch', type: 'int32', versions: '7+', default: -1 },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'topic', type: 'string', versions: '0-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partition', type: 'int32', versions: '0+' },
                { name: 'currentLeaderEpoch', type: 'int32', versions: '9+', default: -1 },
                { name: 'fetchOffset', type: 'int64', versions: '0+' },
                { name: 'lastFetchedEpoch', type: 'int32', versions: '12+', default: -1 },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
                { name: 'partitionMaxBytes', type: 'int32', versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    {
      name: 'forgottenTopicsData',
      type: array(
        struct([
          { name: 'topic', type: 'string', versions: '7-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          { name: 'partitions', type: array('int32'), versions: '7+' },
        ]),
      ),
      versions: '7+',
    },
    { name: 'rackId', type: 'string', versions: '11+', default: '' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '7+' },
    { name: 'sessionId', type: 'int32', versions: '7+', default: 0 },
    {
      name: 'responses',
      type: array(
        struct([
          { name: 'topic', type: 'string', versions: '0-12' },
          { name: 'topicId', type: 'uuid', versions: '13+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'highWatermark', type: 'int64', versions: '0+' },
                { name: 'lastStableOffset', type: 'int64', versions: '4+', default: -1n },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
                {
                  name: 'divergingEpoch',
                  type: struct([
                    { name: 'epoch', type: 'int32', versions: '12+', default: -1 },
                    { name: 'endOffset', type: 'int64', versions: '12+', default: -1n },
                  ]),
                  versions: '12+',
                  tag: 0,
                  taggedVersions: '12+',
                },
                {
                  name: 'currentLeader',
                  type: struct([
                    { name: 'leaderId', type: 'int32', versions: '12+', default: -1 },
                    { name: 'leaderEpoch', type: 'int32', versions: '12+', default: -1 },
                  ]),
                  versions: '12+',
                  tag: 1,
                  taggedVersions: '12+',
                },
                {
                  name: 'snapshotId',
                  type: struct([
                    { name: 'endOffset', type: 'int64', versions: '0+', default: -1n },
                    { name: 'epoch', type: 'int32', versions: '0+', default: -1 },
                  ]),
                  versions: '12+',
                  tag: 2,
                  taggedVersions: '12+',
                },
                {
                  name: 'abortedTransactions',
                  type: array(
                    struct([
                      { name: 'producerId', type: 'int64', versions: '4+' },
                      { name: 'firstOffset', type: 'int64', versions: '4+' },
                    ]),
                  ),
                  versions: '4+',
                  nullableVersions: '4+',
                },
                { name: 'preferredReadReplica', type: 'int32', versions: '11+', default: -1 },
                { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
  ],
});
