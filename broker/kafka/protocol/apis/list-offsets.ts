/**
 * ListOffsets (key 2). The codec covers v0-7 (v6+ flexible, v7 = MAX_TIMESTAMP -3); all of it is
 * advertised (kafka-protocol.md §1.4; v0 is mandatory for Burrow; v4 adds leader epochs, v5 only
 * error codes, v6 is flexible, v7 adds MAX_TIMESTAMP).
 * Special timestamps (§6.8): -1 latest, -2 earliest. Layout: apache/kafka ListOffsets*.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const listOffsets = defineApi({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 7,
  advertised: { min: 0, max: 7 },
  flexibleVersions: '6+',
  request: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
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
                { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1 },
                { name: 'timestamp', type: 'int64', versions: '0+' },
                { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
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
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
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
                { name: 'oldStyleOffsets', type: array('int64'), versions: '0' },
                { name: 'timestamp', type: 'int64', versions: '1+', default: -1n },
                { name: 'offset', type: 'int64', versions: '1+', default: -1n },
                { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
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
