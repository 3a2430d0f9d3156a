/**
 * ApiVersions (key 18). v3 is flexible (compact strings, tagged fields, request header v2) but its
 * response header is always v0 — see header.ts `responseHeaderVersion`.
 * Layout: apache/kafka ApiVersionsRequest.json / ApiVersionsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const apiVersions = defineApi({
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 3,
  advertised: { min: 0, max: 3 },
  flexibleVersions: '3+',
  request: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+' },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+' },
  ],
  response: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys',
      type: array(
        struct([
          { name: 'apiKey', type: 'int16', versions: '0+' },
          { name: 'minVersion', type: 'int16', versions: '0+' },
          { name: 'maxVersion', type: 'int16', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+' },
    {
      name: 'supportedFeatures',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '3+' },
          { name: 'minVersion', type: 'int16', versions: '3+' },
          { name: 'maxVersion', type: 'int16', versions: '3+' },
        ]),
      ),
      versions: '3+',
      tag: 0,
      taggedVersions: '3+',
    },
    { name: 'finalizedFeaturesEpoch', type: 'int64', versions: '3+', default: -1n, tag: 1, taggedVersions: '3+' },
    {
      name: 'finalizedFeatures',
      type: array(
        struct([
          { name: 'name', type: 'string', versions: '3+' },
          { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
          { name: 'minVersionLevel', type: 'int16', versions: '3+' },
        ]),
      ),
      versions: '3+',
      tag: 2,
      taggedVersions: '3+',
    },
    { name: 'zkMigrationReady', type: 'bool', versions: '3+', default: false, tag: 3, taggedVersions: '3+' },
  ],
});
