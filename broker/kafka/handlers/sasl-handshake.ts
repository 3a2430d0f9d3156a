/**
 * SaslHandshake (key 17), v0-1: picks the connection's mechanism (SaslSession.handshake). The
 * dispatcher switches the connection to raw token framing after a successful v0 handshake.
 * With SASL off there is nothing to pick: UNSUPPORTED_SASL_MECHANISM with an empty list.
 */
import { saslHandshake } from '../protocol/apis/sasl-handshake.js';
import { SaslErrorCode } from '../sasl/session.js';
import { defineHandler } from './types.js';

export const saslHandshakeHandler = defineHandler(saslHandshake, async (request, ctx) => {
  const { sasl, logger } = ctx.broker;
  const session = sasl.session(ctx.connection);
  if (!session) return { errorCode: SaslErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] };
  await sasl.refreshCredentials();
  const result = session.handshake(request.mechanism, ctx.apiVersion);
  if (result.errorCode !== SaslErrorCode.NONE) {
    logger.info('SASL handshake refused', { connection: ctx.connection.id, clientId: ctx.clientId, mechanism: request.mechanism, reason: result.reason });
  }
  return { errorCode: result.errorCode, mechanisms: [...sasl.mechanisms] };
});
