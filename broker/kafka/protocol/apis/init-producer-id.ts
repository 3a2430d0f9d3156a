/**
 * InitProducerId (key 22). Codec and advertised range v0-4: v2 is the first flexible version, v3
 * adds the producer's current id and epoch (KIP-360, resume after an epoch error), v4 only adds
 * an error code. Advertised from 0 as librdkafka's IdempotentProducer probe expects (§1.2).
 * `transactionalId: null` is a plain idempotent producer.
 * Layout: apache/kafka InitProducerIdRequest.json / InitProducerIdResponse.json.
 */
import { defineApi } from '../api.js';

export const initProducerId = defineApi({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  advertised: { min: 0, max: 4 },
  flexibleVersions: '2+',
  request: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1n },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1n },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
});
