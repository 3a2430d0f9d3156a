/**
 * Produce (key 0). The codec and the advertised range cover v0-9 (v8 adds per-record
 * errors, v9 is flexible; v10+ only adds KIP-951 leader hints for multi-broker clusters). Record batch
 * v2 is the only stored format (kafka-protocol.md §2.6): the handler answers v0-2 requests that
 * carry old message sets (magic 0/1) with UNSUPPORTED_FOR_MESSAGE_FORMAT. v0 must be in the
 * advertised range: librdkafka before 2.11.1 enables gzip and snappy only when it is
 * (confluentinc/librdkafka#4948). kafkajs and librdkafka top out at v7, @platformatic/kafka
 * uses v9.
 * Layout: apache/kafka ProduceRequest.json / ProduceResponse.json.
 * `records` stays a Buffer view of the request bytes; the storage layer validates the batch.
 * acks=0 requests get no response at all (§6.2) — a server concern, not a codec one.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const produce = defineApi({
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 9,
  advertised: { min: 0, max: 9 },
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
