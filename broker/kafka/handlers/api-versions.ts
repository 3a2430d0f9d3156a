/**
 * ApiVersions (key 18): the APIs this broker has handlers for, with their advertised ranges.
 * An ApiVersions request at an unknown version never reaches here: the dispatcher answers it in
 * v0 with UNSUPPORTED_VERSION (KIP-511). v3+ requests name the client software (KIP-511): a name
 * or version Kafka's pattern refuses answers INVALID_REQUEST with no API list, as Kafka does.
 */
import { apiVersions } from '../protocol/apis/index.js';
import type { ApiDefinition } from '../protocol/index.js';
import { ErrorCode } from './errors.js';
import { defineHandler } from './types.js';

/** Kafka's ApiVersionsRequest.SOFTWARE_NAME_VERSION_PATTERN. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

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

export const apiVersionsHandler = defineHandler(apiVersions, (request, ctx) => {
  const valid = ctx.apiVersion < 3 || (SOFTWARE_NAME_VERSION.test(request.clientSoftwareName) && SOFTWARE_NAME_VERSION.test(request.clientSoftwareVersion));
  if (!valid) {
    ctx.broker.logger.warn('ApiVersions with an invalid client software name or version', {
      clientSoftwareName: request.clientSoftwareName,
      clientSoftwareVersion: request.clientSoftwareVersion,
      clientId: ctx.clientId,
    });
  }
  return {
    errorCode: valid ? 0 : ErrorCode.INVALID_REQUEST,
    apiKeys: valid ? advertisedApiKeys() : [],
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
});
