/**
 * DeleteRecords (key 21). Codec and advertised range v0-2 (kafka-protocol.md §1.4 optional extras; v2 is flexible, same fields). `offset` -1 means the high watermark; the answer is the new
 * log start offset (`lowWatermark`).
 * Layout: apache/kafka DeleteRecordsRequest.json / DeleteRecordsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const deleteRecords = defineApi({
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '2+',
  request: [
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'offset', type: 'int64', versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitions',
            type: array(
              struct([
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'lowWatermark', type: 'int64', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
  ],
});
