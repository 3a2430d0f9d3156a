/**
 * JoinGroup (key 11). Codec and advertised range v0-9: v6 is the first flexible version, v7 echoes
 * the protocol type, v8 adds the client's join reason (KIP-800, logged only), v9 the
 * skipAssignment flag (KIP-814: a static leader rejoining a Stable group keeps the current
 * assignment). v0 has no rebalance timeout (use the session timeout, §3.2); v4+ clients
 * expect MEMBER_ID_REQUIRED (79) with `memberId` filled in for an unknown member; v5 adds static
 * membership (group instance ids). Only the leader's response carries `members`.
 * Layout: apache/kafka JoinGroupRequest.json / JoinGroupResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const joinGroup = defineApi({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  advertised: { min: 0, max: 9 },
  flexibleVersions: '6+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '1+', default: -1 },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolType', type: 'string', versions: '0+' },
    {
      name: 'protocols',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
    { name: 'reason', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+', default: -1 },
    { name: 'protocolType', type: 'string', versions: '7+', nullableVersions: '7+', default: null },
    { name: 'protocolName', type: 'string', versions: '0+', nullableVersions: '7+' },
    { name: 'leader', type: 'string', versions: '0+' },
    { name: 'skipAssignment', type: 'bool', versions: '9+', default: false },
    { name: 'memberId', type: 'string', versions: '0+' },
    {
      name: 'members',
      type: array(
        struct([
          { name: 'memberId', type: 'string', versions: '0+' },
          { name: 'groupInstanceId', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
          { name: 'metadata', type: 'bytes', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
