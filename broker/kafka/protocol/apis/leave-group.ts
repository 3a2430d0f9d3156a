/**
 * LeaveGroup (key 13). Codec and advertised range v0-5 (v4 is the first flexible
 * version, v5 adds a per-member leave reason, KIP-800, logged only). v0-2 carry a single `memberId`; v3 carries a batch of `members` (KIP-345)
 * and answers per member. Layout: apache/kafka LeaveGroupRequest.json / LeaveGroupResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const leaveGroup = defineApi({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0-2' },
    {
      name: 'members',
      type: array(
        struct([
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
          { name: 'reason', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        ]),
      ),
      versions: '3+',
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'members',
      type: array(
        struct([
          { name: 'memberId', type: 'string', versions: '3+' },
          { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
          { name: 'errorCode', type: 'int16', versions: '3+' },
        ]),
      ),
      versions: '3+',
    },
  ],
});
