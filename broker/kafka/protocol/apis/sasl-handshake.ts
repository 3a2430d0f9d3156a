/**
 * SaslHandshake (key 17). Codec and advertised range v0-1 (kafka-protocol.md §1.4; never flexible).
 * After a v0 handshake the client sends raw, size-prefixed SASL tokens outside the Kafka framing
 * (kafka-python, legacy librdkafka); after v1 it uses SaslAuthenticate (key 36).
 * Layout: apache/kafka SaslHandshakeRequest.json / SaslHandshakeResponse.json.
 */
import { defineApi } from '../api.js';
import { array } from '../schema.js';

export const saslHandshake = defineApi({
  apiKey: 17,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  advertised: { min: 0, max: 1 },
  flexibleVersions: 'none',
  request: [{ name: 'mechanism', type: 'string', versions: '0+' }],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'mechanisms', type: array('string'), versions: '0+' },
  ],
});
