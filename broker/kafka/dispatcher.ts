/**
 * Routes one listener request to its API handler: decode (codec layer) → handler → encode with
 * the request's correlation id. Kafka's rules for what cannot be served (kafka-protocol.md §6.1):
 *
 * - ApiVersions at a version we do not speak: answered in v0 with UNSUPPORTED_VERSION (35) and
 *   the supported list (KIP-511), so the client retries with one we know.
 * - Any other unknown API key or unadvertised version, or a malformed request: the connection is
 *   closed with a logged reason (Kafka does the same; there is no error response it could parse).
 * - With SASL on, a connection that has not authenticated may send only ApiVersions,
 *   SaslHandshake and SaslAuthenticate; anything else closes it. A failed SaslAuthenticate is
 *   answered, then the connection is closed. After SaslHandshake v0 the connection switches to
 *   raw token framing, served by `createRawTokenHandler`.
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
import { PRE_AUTH_API_KEYS } from './sasl/service.js';
import type { KafkaRequest, RawTokenHandler, RequestHandler } from './server/types.js';

const SASL_HANDSHAKE_KEY = 17;
const SASL_AUTHENTICATE_KEY = 36;

/** Builds the listener's request handler for one broker. */
export function createDispatcher(broker: KafkaBrokerContext, handlers: readonly KafkaHandler[] = HANDLERS): RequestHandler {
  const byKey = new Map<number, KafkaHandler>(handlers.map((h) => [h.api.apiKey, h]));
  const accept = (api: ApiDefinition, version: number) => byKey.has(api.apiKey) && isAdvertised(api, version);

  return async (request: KafkaRequest): Promise<Buffer | null> => {
    if (!PRE_AUTH_API_KEYS.has(request.header.apiKey) && !broker.sasl.isAuthenticated(request.connection)) {
      // Checked on the header alone: nothing of an unauthenticated request body is parsed.
      const reason = `API key ${request.header.apiKey} sent before SASL authentication completed`;
      broker.logger.warn(`closing connection: ${reason}`, {
        connection: request.connection.id,
        apiKey: request.header.apiKey,
        clientId: request.header.clientId,
        saslState: broker.sasl.session(request.connection)?.state,
      });
      throw new SluiceError('SASL_AUTHENTICATION', reason, { apiKey: request.header.apiKey });
    }
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
    if (header.apiKey === SASL_HANDSHAKE_KEY || header.apiKey === SASL_AUTHENTICATE_KEY) applySaslTransport(broker, request);
    if (body === null) return null;
    return withoutSizePrefix(encodeResponse(decoded.api, header.apiVersion, header.correlationId, body));
  };
}

/** What the session's new state means for the connection: raw framing after a v0 handshake,
 * closing after a failed authentication. */
function applySaslTransport(broker: KafkaBrokerContext, request: { connection: KafkaRequest['connection']; control: KafkaRequest['control'] }): void {
  const session = broker.sasl.session(request.connection);
  if (!session) return;
  if (session.state === 'awaiting-raw-token') request.control.setFraming('sasl-raw');
  else if (session.state === 'authenticated') {
    request.control.setFraming('kafka');
    request.control.authenticated();
  }
  else if (session.state === 'failed') request.control.closeAfterResponse(`SASL authentication failed: ${session.failure}`);
}

/**
 * Raw SASL tokens (after SaslHandshake v0): each frame is one client token and the answer is the
 * server's token, size-prefixed, no Kafka headers. PLAIN's success is an empty frame; a failure
 * sends the mechanism's answer when it has one (SCRAM `e=...`) and closes the connection.
 */
export function createRawTokenHandler(broker: KafkaBrokerContext): RawTokenHandler {
  return async (request) => {
    const session = broker.sasl.session(request.connection);
    if (!session) throw new SluiceError('SASL_AUTHENTICATION', 'raw SASL token on a listener without SASL');
    const step = await session.token(request.token, 'raw');
    const fields = { connection: request.connection.id, clientId: request.connection.clientId, mechanism: session.mechanism };
    if (step.kind === 'failure') broker.logger.warn('SASL authentication failed', { ...fields, reason: step.reason });
    if (step.kind === 'success') broker.logger.info('SASL authentication succeeded', { ...fields, user: step.username });
    applySaslTransport(broker, request);
    if (step.kind === 'failure') return step.token.length > 0 ? step.token : null;
    return step.token;
  };
}

/** The listener adds the size prefix itself. */
function withoutSizePrefix(frame: Buffer): Buffer {
  return frame.subarray(4);
}
