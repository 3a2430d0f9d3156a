/**
 * CreateTopics (key 19). Codec and advertised range v0-7: v5 is the first flexible
 * version and answers the created topic's partitions, replication factor and configs (KIP-525),
 * v6 only adds an error code, v7 returns the topic id (KIP-516). kafkajs sends it to the controller from Metadata (§1.5a); numPartitions and
 * replicationFactor -1 mean "broker default" (v4+, KIP-464), and `assignments` is an explicit
 * replica layout. Layout: apache/kafka CreateTopicsRequest.json / CreateTopicsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const createTopics = defineApi({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  advertised: { min: 0, max: 7 },
  flexibleVersions: '5+',
  request: [
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'numPartitions', type: 'int32', versions: '0+' },
          { name: 'replicationFactor', type: 'int16', versions: '0+' },
          {
            name: 'assignments',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'brokerIds', type: array('int32'), versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
          {
            name: 'configs',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'topicId', type: 'uuid', versions: '7+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
          { name: 'topicConfigErrorCode', type: 'int16', versions: '5+', default: 0, tag: 0, taggedVersions: '5+' },
          { name: 'numPartitions', type: 'int32', versions: '5+', default: -1 },
          { name: 'replicationFactor', type: 'int16', versions: '5+', default: -1 },
          {
            name: 'configs',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '5+' },
                { name: 'value', type: 'string', versions: '5+', nullableVersions: '5+' },
                { name: 'readOnly', type: 'bool', versions: '5+' },
                { name: 'configSource', type: 'int8', versions: '5+', default: -1 },
                { name: 'isSensitive', type: 'bool', versions: '5+' },
              ]),
            ),
            versions: '5+',
            nullableVersions: '5+',
            default: null,
          },
        ]),
      ),
      versions: '0+',
    },
  ],
});
