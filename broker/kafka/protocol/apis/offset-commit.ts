/**
 * OffsetCommit (key 8). Codec and advertised range v0-8 (v8 is flexible, same fields; v9 is the KIP-848 member-epoch protocol). v0 commits to ZooKeeper in
 * Kafka — here it is treated like any other version. `generationIdOrMemberEpoch` -1 with an empty
 * `memberId` is the "simple group" commit of a manually assigned consumer (§1.5c).
 * Layout: apache/kafka OffsetCommitRequest.json / OffsetCommitResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const offsetCommit = defineApi({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 8,
  advertised: { min: 0, max: 8 },
  flexibleVersions: '8+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationIdOrMemberEpoch', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '1+' },
    { name: 'groupInstanceId', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'retentionTimeMs', type: 'int64', versions: '2-4', default: -1n },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'committedOffset', type: 'int64', versions: '0+' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '6+', default: -1 },
                { name: 'commitTimestamp', type: 'int64', versions: '1', default: -1n },
                { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
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
