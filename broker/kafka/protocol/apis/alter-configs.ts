/**
 * AlterConfigs (key 33). Codec and advertised range v0-2 (kafka-protocol.md §1.4 optional extras; v2 is flexible, same fields). Non-incremental: the listed configs replace the resource's
 * whole dynamic config. Layout: apache/kafka AlterConfigsRequest.json / AlterConfigsResponse.json.
 */
import { defineApi } from '../api.js';
import { array, struct } from '../schema.js';

export const alterConfigs = defineApi({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  advertised: { min: 0, max: 2 },
  flexibleVersions: '2+',
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
