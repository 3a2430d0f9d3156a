/**
 * FindCoordinator (key 10). Codec and advertised range v0-5: v3 is the first flexible version, v4
 * batches keys (KIP-699: `coordinatorKeys` in, one `coordinators` entry per key out; the single
 * key fields stop at v3), v5 only adds an error code this broker never returns. Advertised from 0:
 * librdkafka 2.0.2 probes FindCoordinator 0..0 for its BrokerGroupCoordinator and LZ4 features
 * (kafka-protocol.md §1.2); kafka-python sends v0.
 * KeyType (v1+): 0 = group, 1 = transaction. Layout: apache/kafka FindCoordinator*.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const findCoordinator = defineApi({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 5,
  advertised: { min: 0, max: 5 },
  flexibleVersions: '3+',
  request: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0 },
    { name: 'coordinatorKeys', type: array('string'), versions: '4+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', default: null },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators',
      type: array(
        struct([
          { name: 'key', type: 'string', versions: '4+' },
          { name: 'nodeId', type: 'int32', versions: '4+' },
          { name: 'host', type: 'string', versions: '4+' },
          { name: 'port', type: 'int32', versions: '4+' },
          { name: 'errorCode', type: 'int16', versions: '4+' },
          { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+' },
        ]),
      ),
      versions: '4+',
    },
  ],
});
