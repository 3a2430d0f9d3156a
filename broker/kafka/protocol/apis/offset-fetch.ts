/**
 * OffsetFetch (key 9). Codec and advertised range v0-8 (kafka-python sends v1, kafkajs
 * implements v1-4; v6 is the first flexible version, v7 adds requireStable — every offset is
 * stable here, as there are no transactions — and v8 batches groups, KIP-709). v2+ `topics: null` asks for every
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
  maxVersion: 8,
  advertised: { min: 0, max: 8 },
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0-7' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0-7' },
          { name: 'partitionIndexes', type: array('int32'), versions: '0-7' },
        ]),
      ),
      versions: '0-7',
      nullableVersions: '2-7',
    },
    {
      name: 'groups',
      type: array(
        struct([
          { name: 'groupId', type: 'string', versions: '8+' },
          {
            name: 'topics',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '8+' },
                { name: 'partitionIndexes', type: array('int32'), versions: '8+' },
              ]),
            ),
            versions: '8+',
            nullableVersions: '8+',
          },
        ]),
      ),
      versions: '8+',
    },
    { name: 'requireStable', type: 'bool', versions: '7+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '3+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0-7' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0-7' },
                { name: 'committedOffset', type: 'int64', versions: '0-7' },
                { name: 'committedLeaderEpoch', type: 'int32', versions: '5-7', default: -1 },
                { name: 'metadata', type: 'string', versions: '0-7', nullableVersions: '0-7' },
                { name: 'errorCode', type: 'int16', versions: '0-7' },
              ]),
            ),
            versions: '0-7',
          },
        ]),
      ),
      versions: '0-7',
    },
    { name: 'errorCode', type: 'int16', versions: '2-7', default: 0 },
    {
      name: 'groups',
      type: array(
        struct([
          { name: 'groupId', type: 'string', versions: '8+' },
          {
            name: 'topics',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '8+' },
                {
                  name: 'partitions',
                  type: array(
                    struct([
                      { name: 'partitionIndex', type: 'int32', versions: '8+' },
                      { name: 'committedOffset', type: 'int64', versions: '8+' },
                      { name: 'committedLeaderEpoch', type: 'int32', versions: '8+', default: -1 },
                      { name: 'metadata', type: 'string', versions: '8+', nullableVersions: '8+' },
                      { name: 'errorCode', type: 'int16', versions: '8+' },
                    ]),
                  ),
                  versions: '8+',
                },
              ]),
            ),
            versions: '8+',
          },
          { name: 'errorCode', type: 'int16', versions: '8+', default: 0 },
        ]),
      ),
      versions: '8+',
    },
  ],
});
