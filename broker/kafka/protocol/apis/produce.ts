/**
 * Produce (key 0). The codec covers v3-9 (v9 flexible); the broker advertises v3-7, record batch
 * v2 only (kafka-protocol.md §1.4, §2.6) — every target client tops out at v7.
 * Layout: apache/kafka ProduceRequest.json / ProduceResponse.json.
 * `records` stays a Buffer view of the request bytes; the storage layer validates the batch.
 * acks=0 requests get no response at all (§6.2) — a server concern, not a codec one.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const produce = defineApi({
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 9,
  advertised: { min: 3, max: 7 },
  flexibleVersions: '9+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitionData',
            type: array(
              struct([
                { name: 'index', type: 'int32', versions: '0+' },
                { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
  ],
  response: [
    {
      name: 'responses',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '0+' },
          {
            name: 'partitionResponses',
            type: array(
              struct([
                { name: 'index', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
                { name: 'baseOffset', type: 'int64', versions: '0+' },
                { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1n },
                { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1n },
                {
                  name: 'recordErrors',
                  type: array(
                    struct([
                      { name: 'batchIndex', type: 'int32', versions: '8+' },
                      { name: 'batchIndexErrorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
                    ]),
                  ),
                  versions: '8+',
                },
                { name: 'errorMessage', type: 'string', versions: '8+', nullableVersions: '8+', default: null },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    // Last, not first, in Produce responses (§6.9).
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0 },
  ],
});
