/**
 * Routes one listener request to its API handler: decode (codec layer) → handler → encode with
 * the request's correlation id. Kafka's rules for what cannot be served (kafka-protocol.md §6.1):
 *
 * - ApiVersions at a version we do not speak: answered in v0 with UNSUPPORTED_VERSION (35) and
 *   the supported list (KIP-511), so the client retries with one we know.
 * - Any other unknown API key or unadvertised version, or a malformed request: the connection is
 *   closed with a logged reason (Kafka does the same; there is no error response it could parse).
 */
import { SluiceError } from '../errors.js';
import {
  API_VERSIONS_KEY,
  decodeRequest,
  encodeResponse,
  encodeUnsupportedApiVersionsResponse,
  isAdvertised,
  type ApiDefinition,
} from './protocol/index.js';
import { HANDLERS } from './handlers/index.js';
import type { KafkaBrokerContext, KafkaHandler, RequestContext } from './handlers/types.js';
import type { KafkaRequest, RequestHandler } from './server/types.js';

/** Builds the listener's request handler for one broker. */
export function createDispatcher(broker: KafkaBrokerContext, handlers: readonly KafkaHandler[] = HANDLERS): RequestHandler {
  const byKey = new Map<number, KafkaHandler>(handlers.map((h) => [h.api.apiKey, h]));
  const accept = (api: ApiDefinition, version: number) => byKey.has(api.apiKey) && isAdvertised(api, version);

  return async (request: KafkaRequest): Promise<Buffer | null> => {
    const decoded = decodeRequest(request.frame, accept);
    const { header } = decoded;
    if (decoded.kind === 'unsupported') {
      if (header.apiKey === API_VERSIONS_KEY) {
        broker.logger.debug('unsupported ApiVersions version, answering v0 with UNSUPPORTED_VERSION', {
          apiVersion: header.apiVersion,
          clientId: header.clientId,
        });
        return withoutSizePrefix(encodeUnsupportedApiVersionsResponse(header.correlationId));
      }
      const reason = decoded.api
        ? `${decoded.api.name} v${header.apiVersion} is not supported (advertised ${decoded.api.advertised.min}-${decoded.api.advertised.max})`
        : `unknown API key ${header.apiKey}`;
      broker.logger.warn(`closing connection: ${reason}`, {
        connection: request.connection.id,
        apiKey: header.apiKey,
        apiVersion: header.apiVersion,
        correlationId: header.correlationId,
        clientId: header.clientId,
      });
      throw new SluiceError('PROTOCOL_ERROR', reason, { apiKey: header.apiKey, apiVersion: header.apiVersion });
    }
    const handler = byKey.get(header.apiKey)!;
    const ctx: RequestContext = {
      broker,
      connection: request.connection,
      clientId: header.clientId,
      apiVersion: header.apiVersion,
    };
    const body = await handler.handle(decoded.body as never, ctx);
    if (body === null) return null;
    return withoutSizePrefix(encodeResponse(decoded.api, header.apiVersion, header.correlationId, body));
  };
}

/** The listener adds the size prefix itself. */
function withoutSizePrefix(frame: Buffer): Buffer {
  return frame.subarray(4);
}
