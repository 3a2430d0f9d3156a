/**
 * OffsetDelete (key 47, KIP-496). Codec and advertised range v0 (the only version; never
 * flexible). Deletes a group's committed offsets for the given partitions; a topic an active
 * consumer group still subscribes to gets GROUP_SUBSCRIBED_TO_TOPIC (86) per partition.
 * Layout: apache/kafka OffsetDeleteRequest.json / OffsetDeleteResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const offsetDelete = defineApi({
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  advertised: { min: 0, max: 0 },
  flexibleVersions: 'none',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'partitions', type: array(struct([{ name: 'partitionIndex', type: 'int32', versions: '0+' }])), versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
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
