/**
 * InitProducerId (key 22), v0-4: idempotent producers only (kafka-protocol.md §4). Returns a new
 * producer id (persisted, never reused) with epoch 0. v3+ may carry the producer's current id and
 * epoch: both -1 or both set, else INVALID_REQUEST (as Kafka checks); without a transactional id
 * Kafka then blindly hands out a new id, and so does this broker.
 *
 * Transactions are not implemented: a non-null transactionalId is answered with
 * COORDINATOR_NOT_AVAILABLE (15), what Kafka answers while no transaction coordinator is
 * available (the transaction state is not loaded). Chosen over TRANSACTIONAL_ID_AUTHORIZATION_FAILED
 * (an ACL verdict, wrong here) and INVALID_REQUEST (the request is valid Kafka). v0-1 responses
 * carry no error message, so the reason goes to the broker log.
 */
import { initProducerId } from '../protocol/apis/index.js';
import { ErrorCode } from './errors.js';
import { defineHandler } from './types.js';

export const initProducerIdHandler = defineHandler(initProducerId, async (request, ctx) => {
  const { producerIds, logger } = ctx.broker;
  if (ctx.apiVersion >= 3 && (request.producerId === -1n) !== (request.producerEpoch === -1)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 };
  }
  if (request.transactionalId !== null) {
    logger.warn('InitProducerId with a transactional id: transactions are not supported', {
      transactionalId: request.transactionalId,
      clientId: ctx.clientId,
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, producerId: -1n, producerEpoch: -1 };
  }
  try {
    const id = await producerIds.allocate();
    return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(id), producerEpoch: 0 };
  } catch (err) {
    logger.error('allocating a producer id failed', { error: err instanceof Error ? err.message : String(err) });
    return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, producerId: -1n, producerEpoch: -1 };
  }
});
