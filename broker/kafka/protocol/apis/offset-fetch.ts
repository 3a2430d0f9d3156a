/**
 * OffsetFetch (key 9). Codec and advertised range v0-5 (kafka-protocol.md §1.4: capped because v6
 * is flexible; kafka-python sends v1, kafkajs implements v1-4). v2+ `topics: null` asks for every
 * committed partition of the group; v2+ has a top-level error code. A partition with no committed
 * offset answers offset -1 and metadata "" (or null) with error 0.
 * Layout: apache/kafka OffsetFetchRequest.json / OffsetFetchResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const offsetFetch = defineApi({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'partitionIndexes', type: array('int32'), versions: '0+' },
        ]),
      ),
      versions: '0+',
      nullableVersions: '2+',
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
                { name: 'committedOffset', type: 'int64', versions: '0+' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '5+', default: -1 },
                { name: 'metadata', type: 'string', versions: '0+', nullableVersions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    { name: 'errorCode', type: 'int16', versions: '2+', default: 0 },
  ],
});
