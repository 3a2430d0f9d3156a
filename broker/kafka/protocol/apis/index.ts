/**
 * Registry of the APIs this broker speaks. The ApiVersions response is generated from it, so an
 * API is advertised exactly when it has a definition here.
 */
import type { ApiDefinition } from '../api.js';
import { apiVersions } from './api-versions.js';
import { fetch } from './fetch.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';

export { apiVersions, fetch, listOffsets, metadata, produce };

export const API_LIST: readonly ApiDefinition[] = [produce, fetch, listOffsets, metadata, apiVersions];

const byKey = new Map<number, ApiDefinition>(API_LIST.map((a) => [a.apiKey, a]));

export function apiByKey(apiKey: number): ApiDefinition | undefined {
  return byKey.get(apiKey);
}

export interface ApiVersionsEntry {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** The `apiKeys` array of an ApiVersions response, sorted by key. */
export function supportedApiVersions(apis: readonly ApiDefinition[] = API_LIST): ApiVersionsEntry[] {
  return apis
    .map((a) => ({ apiKey: a.apiKey, minVersion: a.advertised.min, maxVersion: a.advertised.max }))
    .sort((x, y) => x.apiKey - y.apiKey);
}

/** A complete ApiVersions response body (any version 0-3 encodes it). */
export function apiVersionsResponseBody(errorCode = 0, apis: readonly ApiDefinition[] = API_LIST) {
  return { errorCode, apiKeys: supportedApiVersions(apis), throttleTimeMs: 0 };
}
