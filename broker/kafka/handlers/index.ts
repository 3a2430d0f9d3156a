/**
 * The Kafka API handler registry: one handler per API (one module each). The dispatcher routes
 * by API key, and ApiVersions advertises exactly these APIs.
 */
import { apiVersionsHandler, setAdvertisedApis } from './api-versions.js';
import { fetchHandler } from './fetch.js';
import { listOffsetsHandler } from './list-offsets.js';
import { metadataHandler } from './metadata.js';
import { produceHandler } from './produce.js';
import type { KafkaHandler } from './types.js';

export const HANDLERS: readonly KafkaHandler[] = [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler,
] as unknown as readonly KafkaHandler[];

setAdvertisedApis(HANDLERS.map((h) => h.api));

export { apiVersionsHandler, fetchHandler, listOffsetsHandler, metadataHandler, produceHandler };
export type { KafkaBrokerContext, KafkaHandler, RequestContext } from './types.js';
