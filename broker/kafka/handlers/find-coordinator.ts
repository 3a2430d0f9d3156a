/**
 * FindCoordinator (key 10), v0-2. This single node coordinates every group and every
 * transactional id, so the answer is always this broker (its advertised address). Key type 0 =
 * group, 1 = transaction; anything else is INVALID_REQUEST. (v4 batching is not advertised.)
 */
import { findCoordinator } from '../protocol/apis/find-coordinator.js';
import { defineHandler } from './types.js';

const INVALID_REQUEST = 42;
const INVALID_GROUP_ID = 24;

export const findCoordinatorHandler = defineHandler(findCoordinator, (request, ctx) => {
  const { nodeId, advertisedHost, advertisedPort } = ctx.broker;
  const fail = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
  if (request.keyType !== 0 && request.keyType !== 1) return fail(INVALID_REQUEST, `unknown key type ${request.keyType}`);
  if (request.keyType === 0 && !request.key) return fail(INVALID_GROUP_ID, 'empty group id');
  return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId, host: advertisedHost, port: advertisedPort };
});
