/**
 * DeleteGroups (key 42). Codec and advertised range v0-2 (kafka-protocol.md §1.4 optional extras; v2 is flexible, same fields). Only Empty groups can be deleted (else NON_EMPTY_GROUP 68).
 * Layout: apache/kafka DeleteGroupsRequest.json / DeleteGroupsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const deleteGroups = defineApi({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '2+',
  request: [{ name: 'groupsNames', type: array('string'), versions: '0+' }],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: array(
        struct([
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
