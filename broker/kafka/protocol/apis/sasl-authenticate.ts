/**
 * SaslAuthenticate (key 36). Codec and advertised range v0-2 (v2 is the flexible form; kafkajs
 * sends v1, librdkafka 2.0.2 hard-codes v0). `authBytes` carry one SASL token each way; v1 adds
 * `sessionLifetimeMs` (0 = no re-authentication, KIP-368).
 * Layout: apache/kafka SaslAuthenticateRequest.json / SaslAuthenticateResponse.json.
 */
import { defineApi } from '../api.js';

export const saslAuthenticate = defineApi({
  apiKey: 36,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '2+',
  request: [{ name: 'authBytes', type: 'bytes', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0n },
  ],
});
