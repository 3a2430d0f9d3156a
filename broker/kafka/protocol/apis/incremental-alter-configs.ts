/**
 * IncrementalAlterConfigs (key 44). Codec and advertised range v0-1; v1 is flexible (KIP-482:
 * compact strings, tagged fields, request header v2 / response header v1). Not in
 * kafka-protocol.md §1.4 (none of the target clients sends it; Java AdminClient and newer
 * librdkafka do). configOperation: 0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT.
 * Layout: apache/kafka IncrementalAlterConfigsRequest.json / IncrementalAlterConfigsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const incrementalAlterConfigs = defineApi({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  advertised: { min: 0, max: 1 },
  flexibleVersions: '1+',
  request: [
    {
      name: 'resources',
      type: array(
        struct([
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
          {
            name: 'configs',
            type: array(
              struct([
                { name: 'name', type: 'string', versions: '0+' },
                { name: 'configOperation', type: 'int8', versions: '0+' },
                { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
              ]),
            ),
            versions: '0+',
          },
        ]),
      ),
      versions: '0+',
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
  response: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses',
      type: array(
        struct([
          { name: 'errorCode', type: 'int16', versions: '0+' },
          { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          { name: 'resourceType', type: 'int8', versions: '0+' },
          { name: 'resourceName', type: 'string', versions: '0+' },
        ]),
      ),
      versions: '0+',
    },
  ],
});
