/**
 * FindCoordinator (key 10). Codec and advertised range v0-2 (kafka-protocol.md §1.4; v3 is the
 * first flexible version). Advertised from 0: librdkafka 2.0.2 probes FindCoordinator 0..0 for its
 * BrokerGroupCoordinator and LZ4 features (§1.2); kafka-python sends v0.
 * KeyType (v1+): 0 = group, 1 = transaction. Layout: apache/kafka FindCoordinator*.json.
 */
import { defineApi } from '../api.js';

export const findCoordinator = defineApi({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '3+',
  request: [
    { name: 'key', type: 'string', versions: '0+' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
    { name: 'nodeId', type: 'int32', versions: '0+' },
    { name: 'host', type: 'string', versions: '0+' },
    { name: 'port', type: 'int32', versions: '0+' },
  ],
});
