/**
 * InitProducerId (key 22). Codec and advertised range v0-1 (kafka-protocol.md §1.4: capped because
 * v2 is flexible; advertised from 0 as librdkafka's IdempotentProducer probe expects, §1.2).
 * `transactionalId: null` is a plain idempotent producer.
 * Layout: apache/kafka InitProducerIdRequest.json / InitProducerIdResponse.json.
 */
import { defineApi } from '../api.js';

export const initProducerId = defineApi({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 1,
  advertised: { min: 0, max: 1 },
  flexibleVersions: '2+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1n },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
});
