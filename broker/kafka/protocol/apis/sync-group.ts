/**
 * SyncGroup (key 14). Codec and advertised range v0-5 (v4 is the first flexible
 * version; v5 adds protocolType/protocolName, checked against the group's and echoed back). Only the leader sends `assignments`; every member gets its own assignment
 * bytes back (empty when it has none, §3.3). The bytes are ConsumerProtocolAssignment for
 * protocol type "consumer" (see ../consumer-protocol.ts).
 * Layout: apache/kafka SyncGroupRequest.json / SyncGroupResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const syncGroup = defineApi({
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    {
      name: 'assignments',
      type: array(
        struct([
          { name: 'memberId', type: 'string', versions: '0+' },
          { name: 'assignment', type: 'bytes', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'protocolType', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'protocolName', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
    { name: 'assignment', type: 'bytes', versions: '0+' },
  ],
});
