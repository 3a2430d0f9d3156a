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
// consumer groups
import { deleteGroups } from './delete-groups.js';
import { describeGroups } from './describe-groups.js';
import { findCoordinator } from './find-coordinator.js';
import { heartbeat } from './heartbeat.js';
import { joinGroup } from './join-group.js';
import { leaveGroup } from './leave-group.js';
import { listGroups } from './list-groups.js';
import { offsetCommit } from './offset-commit.js';
import { offsetFetch } from './offset-fetch.js';
import { syncGroup } from './sync-group.js';
// topic admin
import { alterConfigs } from './alter-configs.js';
import { createPartitions } from './create-partitions.js';
import { createTopics } from './create-topics.js';
import { deleteRecords } from './delete-records.js';
import { deleteTopics } from './delete-topics.js';
import { describeConfigs } from './describe-configs.js';
import { incrementalAlterConfigs } from './incremental-alter-configs.js';
// idempotent producer
import { initProducerId } from './init-producer-id.js';
// SASL and offset admin
import { offsetDelete } from './offset-delete.js';
import { saslAuthenticate } from './sasl-authenticate.js';
import { saslHandshake } from './sasl-handshake.js';

export { apiVersions, fetch, listOffsets, metadata, produce };
export { deleteGroups, describeGroups, findCoordinator, heartbeat, joinGroup, leaveGroup, listGroups, offsetCommit, offsetFetch, syncGroup };
export { alterConfigs, createPartitions, createTopics, deleteRecords, deleteTopics, describeConfigs, incrementalAlterConfigs };
export { initProducerId };
export { offsetDelete, saslAuthenticate, saslHandshake };

export const API_LIST: readonly ApiDefinition[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  apiVersions,
  // consumer groups
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  deleteGroups,
  // topic admin
  createTopics,
  deleteTopics,
  deleteRecords,
  describeConfigs,
  alterConfigs,
  createPartitions,
  incrementalAlterConfigs,
  // idempotent producer
  initProducerId,
  // SASL and offset admin
  saslHandshake,
  saslAuthenticate,
  offsetDelete,
];

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
