/**
 * CreatePartitions (key 37). Codec and advertised range v0-3 (v2 is flexible, v3 adds no fields). `count` is the new total partition count; `assignments` (null = let
 * the broker choose) lists the replicas of each new partition.
 * Layout: apache/kafka CreatePartitionsRequest.json / CreatePartitionsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const createPartitions = defineApi({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  advertised: { min: 0, max: 3 },
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'count', type: 'int32', versions: '0+' },
          {
            name: 'assignments',
            type: array(struct([{ name: 'brokerIds', type: array('int32'), versions: '0+' }])),
            versions: '0+',
            nullableVersions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        ]),
      ),
      versions: '0+',
    },
  ],
});
