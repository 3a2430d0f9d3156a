import { memoryLogger } from '../../../broker/logger.js';
import { GroupCoordinator, type GroupCoordinatorConfig } from '../../../broker/groups/coordinator.js';
import { MemoryOffsetLog, type OffsetLog } from '../../../broker/groups/offset-log.js';
import { ManualTimers, settle } from '../../../broker/groups/timers.js';
import type { JoinGroupRequest, JoinGroupResult, SyncGroupResult } from '../../../broker/groups/types.js';

export const SESSION = 10_000;
export const REBALANCE = 30_000;

export async function fixture(options: { config?: Partial<GroupCoordinatorConfig>; log?: OffsetLog; timers?: ManualTimers } = {}) {
  const timers = options.timers ?? new ManualTimers();
  const log = options.log ?? new MemoryOffsetLog();
  const logger = memoryLogger();
  let n = 0;
  const coordinator = new GroupCoordinator({
    offsetLog: log,
    timers,
    logger,
    config: options.config,
    generateMemberId: (prefix) => `${prefix}-${++n}`,
  });
  await coordinator.start();
  return { coordinator, timers, log, logger };
}

export function joinReq(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** Tracks a promise so tests can assert whether it has settled yet. */
export function track<T>(p: Promise<T>): { promise: Promise<T>; done: () => boolean; value: () => T } {
  let settled = false;
  let result: T;
  void p.then((v) => {
    settled = true;
    result = v;
  });
  return { promise: p, done: () => settled, value: () => result };
}

export { settle };
export type { JoinGroupResult, SyncGroupResult };
