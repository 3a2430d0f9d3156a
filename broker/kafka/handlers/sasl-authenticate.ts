/**
 * SaslAuthenticate (key 36), v0-2: one mechanism step per request (SaslSession.token). A failure
 * answers SASL_AUTHENTICATION_FAILED with the reason, and the dispatcher closes the connection
 * once that response is written, as Kafka does. Sessions never expire (sessionLifetimeMs 0).
 */
import { saslAuthenticate } from '../protocol/apis/sasl-authenticate.js';
import { SaslErrorCode } from '../sasl/session.js';
import { defineHandler } from './types.js';

const EMPTY = Buffer.alloc(0);

export const saslAuthenticateHandler = defineHandler(saslAuthenticate, async (request, ctx) => {
  const { sasl, logger } = ctx.broker;
  const session = sasl.session(ctx.connection);
  const illegal = (message: string) => ({ errorCode: SaslErrorCode.ILLEGAL_SASL_STATE, errorMessage: message, authBytes: EMPTY, sessionLifetimeMs: 0n });
  if (!session) return illegal('SASL is not enabled on this listener');
  if (session.state !== 'awaiting-authenticate') return illegal(`SaslAuthenticate is not expected in state ${session.state}`);
  const step = await session.token(request.authBytes, 'authenticate');
  const fields = { connection: ctx.connection.id, clientId: ctx.clientId, mechanism: session.mechanism };
  if (step.kind === 'failure') {
    logger.warn('SASL authentication failed', { ...fields, reason: step.reason });
    return {
      errorCode: SaslErrorCode.SASL_AUTHENTICATION_FAILED,
      errorMessage: `Authentication failed during authentication due to invalid credentials with SASL mechanism ${session.mechanism} (${step.reason})`,
      authBytes: step.token,
      sessionLifetimeMs: 0n,
    };
  }
  if (step.kind === 'success') logger.info('SASL authentication succeeded', { ...fields, user: step.username });
  return { errorCode: SaslErrorCode.NONE, errorMessage: null, authBytes: step.token, sessionLifetimeMs: 0n };
});
