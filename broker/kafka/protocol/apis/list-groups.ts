/**
 * ListGroups (key 16). Codec and advertised range v0-5 (v3 is the first flexible version). The
 * request has no fields below v4 (StatesFilter); v5 adds TypesFilter and each group's type
 * (KIP-848: every group here is "classic").
 * Layout: apache/kafka ListGroupsRequest.json / ListGroupsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const listGroups = defineApi({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '3+',
  request: [
    { name: 'statesFilter', type: array('string'), versions: '4+' },
    { name: 'typesFilter', type: array('string'), versions: '5+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups',
      type: array(
        struct([
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '4+' },
          { name: 'groupType', type: 'string', versions: '5+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
