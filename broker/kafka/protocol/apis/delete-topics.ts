/**
 * DeleteTopics (key 20). Codec and advertised range v0-6: v4 is the first flexible
 * version, v5 adds per-topic error messages, v6 names topics by name or id (KIP-516; a zero id
 * means "by name"). Layout: apache/kafka DeleteTopicsRequest.json / DeleteTopicsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const deleteTopics = defineApi({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  advertised: { min: 0, max: 6 },
  flexibleVersions: '4+',
  request: [
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
          { name: 'topicId', type: 'uuid', versions: '6+' },
        ]),
      ),
      versions: '6+',
    },
    { name: 'topicNames', type: array('string'), versions: '0-5' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'responses',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
          { name: 'topicId', type: 'uuid', versions: '6+' },
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '5+', nullableVersions: '5+', default: null },
        ]),
      ),
      versions: '0+',
    },
  ],
});
