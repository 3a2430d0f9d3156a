/**
 * DeleteTopics (key 20). Codec and advertised range v0-3 (kafka-protocol.md §1.4; v4 is the first
 * flexible version). Layout: apache/kafka DeleteTopicsRequest.json / DeleteTopicsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const deleteTopics = defineApi({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 3,
  advertised: { min: 0, max: 3 },
  flexibleVersions: '4+',
  request: [
    { name: 'topicNames', type: array('string'), versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
