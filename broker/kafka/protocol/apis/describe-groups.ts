/**
 * DescribeGroups (key 15). Codec and advertised range v0-5 (v5 is flexible, same fields). `groupState` uses Kafka's state names (Empty, PreparingRebalance,
 * CompletingRebalance, Stable, Dead — §3.1); `protocolData` is the selected protocol name.
 * Layout: apache/kafka DescribeGroupsRequest.json / DescribeGroupsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const describeGroups = defineApi({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '5+',
  request: [
    { name: 'groups', type: array('string'), versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '3+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'groups',
      type: array(
        struct([
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'groupId', type: 'string', versions: '0+' },
          { name: 'groupState', type: 'string', versions: '0+' },
          { name: 'protocolType', type: 'string', versions: '0+' },
          { name: 'protocolData', type: 'string', versions: '0+' },
          {
            name: 'members',
            type: array(
              struct([
                { name: 'memberId', type: 'string', versions: '0+' },
                { name: 'groupInstanceId', type: 'string', versions: '4+', nullableVersions: '4+', default: null },
                { name: 'clientId', type: 'string', versions: '0+' },
                { name: 'clientHost', type: 'string', versions: '0+' },
                { name: 'memberMetadata', type: 'bytes', versions: '0+' },
                { name: 'memberAssignment', type: 'bytes', versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
          { name: 'authorizedOperations', type: 'int32', versions: '3+', default: -2147483648 },
        ]),
      ),
      versions: '0+',
    },
  ],
});
