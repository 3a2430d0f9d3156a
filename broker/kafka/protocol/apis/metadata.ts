/**
 * Metadata (key 3). The codec covers v0-12 (v9+ flexible, v10+ topic ids); all of it is
 * advertised, so flexible clients (@platformatic/kafka needs v9+) get topic ids. Leader epochs
 * (v7+) are a constant 0. librdkafka ≥2.1 validates them with OffsetForLeaderEpoch (§6.12), which
 * is not advertised; Debian's librdkafka 2.0.2 (kcat, confluent-kafka) stops at Metadata v4.
 * Semantics (§6.4): v0 empty topics = all topics; v1+ null = all, [] = none.
 * Layout: apache/kafka MetadataRequest.json / MetadataResponse.json (validVersions 0-12).
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const metadata = defineApi({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  advertised: { min: 0, max: 12 },
  flexibleVersions: '9+',
  request: [
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'topicId', type: 'uuid', versions: '10+' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '10+' },
        ]),
      ),
      versions: '0+',
      nullableVersions: '1+',
    },
    { name: 'allowAutoTopicCreation', type: 'bool', versions: '4+', default: true },
    { name: 'includeClusterAuthorizedOperations', type: 'bool', versions: '8-10' },
    { name: 'includeTopicAuthorizedOperations', type: 'bool', versions: '8+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'brokers',
      type: array(
        struct([
          { name: 'nodeId', type: 'int32', versions: '0+' },
          { name: 'host', type: 'string', versions: '0+' },
          { name: 'port', type: 'int32', versions: '0+' },
          { name: 'rack', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
        ]),
      ),
      versions: '0+',
    },
    { name: 'clusterId', type: 'string', versions: '2+', nullableVersions: '2+', default: null },
    { name: 'controllerId', type: 'int32', versions: '1+', default: -1 },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '12+' },
          { name: 'topicId', type: 'uuid', versions: '10+' },
          { name: 'isInternal', type: 'bool', versions: '1+', default: false },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'leaderId', type: 'int32', versions: '0+' },
                { name: 'leaderEpoch', type: 'int32', versions: '7+', default: -1 },
                { name: 'replicaNodes', type: array('int32'), versions: '0+' },
                { name: 'isrNodes', type: array('int32'), versions: '0+' },
                { name: 'offlineReplicas', type: array('int32'), versions: '5+' },
              ]),
            ),
            versions: '0+',
          },
          { name: 'topicAuthorizedOperations', type: 'int32', versions: '8+', default: -2147483648 },
        ]),
      ),
      versions: '0+',
    },
    { name: 'clusterAuthorizedOperations', type: 'int32', versions: '8-10', default: -2147483648 },
  ],
});
