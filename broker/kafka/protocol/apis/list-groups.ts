/**
 * ListGroups (key 16). Codec and advertised range v0-2 (kafka-protocol.md §1.4: capped because v3
 * is flexible). The request has no fields below v4 (StatesFilter).
 * Layout: apache/kafka ListGroupsRequest.json / ListGroupsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const listGroups = defineApi({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '3+',
  request: [],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: array(
        struct([
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
