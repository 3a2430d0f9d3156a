/**
 * The Kafka API handler registry: one handler per API (one module each). The dispatcher routes
 * by API key, and ApiVersions advertises exactly these APIs.
 */
import { apiVersionsHandler, setAdvertisedApis } from './api-versions.js';
import { fetchHandler } from './fetch.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { produceHandler } from './produce.js';
// consumer groups
import { deleteGroupsHandler } from './delete-groups.js';
import { describeGroupsHandler } from './describe-groups.js';
import { findCoordinatorHandler } from './find-coordinator.js';
import { heartbeatHandler } from './heartbeat.js';
import { joinGroupHandler } from './join-group.js';
import { leaveGroupHandler } from './leave-group.js';
import { listGroupsHandler } from './list-groups.js';
import { offsetCommitHandler } from './offset-commit.js';
import { offsetFetchHandler } from './offset-fetch.js';
import { syncGroupHandler } from './sync-group.js';
// topic admin
import { alterConfigsHandler } from './alter-configs.js';
import { createPartitionsHandler } from './create-partitions.js';
import { createTopicsHandler } from './create-topics.js';
import { deleteRecordsHandler } from './delete-records.js';
import { deleteTopicsHandler } from './delete-topics.js';
import { describeConfigsHandler } from './describe-configs.js';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.js';
// idempotent producer
import { initProducerIdHandler } from './init-producer-id.js';
// SASL and offset admin
import { offsetDeleteHandler } from './offset-delete.js';
import { saslAuthenticateHandler } from './sasl-authenticate.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import type { KafkaHandler } from './types.js';

export const HANDLERS: readonly KafkaHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
  // consumer groups
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
  // topic admin
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  createPartitionsHandler,
  incrementalAlterConfigsHandler,
  // idempotent producer
  initProducerIdHandler,
  // SASL and offset admin
  saslHandshakeHandler,
  saslAuthenticateHandler,
  offsetDeleteHandler,
] as unknown as readonly KafkaHandler[];

setAdvertisedApis(HANDLERS.map((h) => h.api));

export { apiVersionsHandler, fetchHandler, listOffsetsHandler, metadataHandler, produceHandler };
export type { KafkaBrokerContext, KafkaHandler, RequestContext } from './types.js';
