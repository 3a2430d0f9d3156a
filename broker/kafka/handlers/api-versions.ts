/**
 * ApiVersions (key 18): the APIs this broker has handlers for, with their advertised ranges.
 * An ApiVersions request at an unknown version never reaches here: the dispatcher answers it in
 * v0 with UNSUPPORTED_VERSION (KIP-511).
 */
import { apiVersions } from '../protocol/apis/index.js';
import type { ApiDefinition } from '../protocol/index.js';
import { defineHandler } from './types.js';

/** Set by handlers/index.ts once the registry exists (avoids an import cycle). */
let registered: readonly ApiDefinition[] = [];

export function setAdvertisedApis(apis: readonly ApiDefinition[]): void {
  registered = apis;
}

/** The `apiKeys` array of the ApiVersions response, sorted by key. */
export function advertisedApiKeys(apis: readonly ApiDefinition[] = registered): { apiKey: number; minVersion: number; maxVersion: number }[] {
  return apis
    .map((a) => ({
      apiKey: a.apiKey,
      minVersion: a.advertised.min,
      maxVersion: a.advertised.max,
    }))
    .sort((x, y) => x.apiKey - y.apiKey);
}

export const apiVersionsHandler = defineHandler(apiVersions, () => ({
  errorCode: 0,
  apiKeys: advertisedApiKeys(),
  throttleTimeMs: 0,
  supportedFeatures: [],
  finalizedFeaturesEpoch: -1n,
  finalizedFeatures: [],
  zkMigrationReady: false,
}));
