/**
 * DescribeConfigs (key 32). Codec and advertised range v0-4 (v3 adds
 * documentation and config types, v4 is the first flexible version). Resource types: 2 = topic, 4 = broker,
 * 8 = broker logger. `configurationKeys: null` asks for every key. v0 reports `isDefault`; v1+
 * reports `configSource` (1 dynamic topic, 4 static broker, 5 default, ...) and synonyms.
 * Layout: apache/kafka DescribeConfigsRequest.json / DescribeConfigsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const describeConfigs = defineApi({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  advertised: { min: 0, max: 4 },
  flexibleVersions: '4+',
  request: [
    {
      name: 'resources',
      type: array(
        struct([
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          { name: 'configurationKeys', type: array('string'), versions: '0+', nullableVersions: '0+' },
        ]),
      ),
      versions: '0+',
    },
    { name: 'includeSynonyms', type: 'bool', versions: '1+', default: false },
    { name: 'includeDocumentation', type: 'bool', versions: '3+', default: false },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results',
      type: array(
        struct([
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          {
            name: 'configs',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
                { name: 'readOnly', type: 'bool', versions: '0+' },
                { name: 'isDefault', type: 'bool', versions: '0' },
                { name: 'configSource', type: 'int8', versions: '1+', default: -1 },
                { name: 'isSensitive', type: 'bool', versions: '0+' },
                {
                  name: 'synonyms',
                  type: array(
                    struct([
                      { name: 'name', type: 'string', versions: '1+' },
                      { name: 'value', type: 'string', versions: '1+', nullableVersions: '1+' },
                      { name: 'source', type: 'int8', versions: '1+' },
                    ]),
                  ),
                  versions: '1+',
                },
                { name: 'configType', type: 'int8', versions: '3+', default: 0 },
                { name: 'documentation', type: 'string', versions: '3+', nullableVersions: '0+', default: null },
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
