/**
 * FindCoordinator (key 10), v0-5. This single node coordinates every group and every
 * transactional id, so the answer is always this broker (its advertised address). Key type 0 =
 * group, 1 = transaction; anything else is INVALID_REQUEST. v4+ batch keys (KIP-699): one
 * `coordinators` entry per requested key, each with its own error.
 */
import { findCoordinator } from '../protocol/apis/find-coordinator.js';
import { defineHandler } from './types.js';

const INVALID_REQUEST = 42;
const INVALID_GROUP_ID = 24;

interface Coordinator {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export const findCoordinatorHandler = defineHandler(findCoordinator, (request, ctx) => {
  const { nodeId, advertisedHost, advertisedPort } = ctx.broker;
  const locate = (key: string): Coordinator => {
    const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
    if (request.keyType !== 0 && request.keyType !== 1) return fail(INVALID_REQUEST, `unknown key type ${request.keyType}`);
    if (request.keyType === 0 && !key) return fail(INVALID_GROUP_ID, 'empty group id');
    return { errorCode: 0, errorMessage: null, nodeId, host: advertisedHost, port: advertisedPort };
  };
  if (ctx.apiVersion >= 4) {
    const coordinators = request.coordinatorKeys.map((key) => ({ key, ...locate(key) }));
    return { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: '', port: -1, coordinators };
  }
  return { throttleTimeMs: 0, ...locate(request.key), coordinators: [] };
});
