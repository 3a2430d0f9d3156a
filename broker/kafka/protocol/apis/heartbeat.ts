/**
 * Heartbeat (key 12). Codec and advertised range v0-4 (v4 is flexible, same fields). A group in PreparingRebalance answers REBALANCE_IN_PROGRESS (27): that is how
 * members learn to rejoin (§3.4). Layout: apache/kafka HeartbeatRequest.json / HeartbeatResponse.json.
 */
import { defineApi } from '../api.js';

export const heartbeat = defineApi({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  advertised: { min: 0, max: 4 },
  flexibleVersions: '4+',
  request: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
});
