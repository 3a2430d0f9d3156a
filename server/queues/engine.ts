/**
 * The running broker's queue engine, for the queue HTTP API. A console process without a running
 * broker answers 503 with a reason rather than a bare 500.
 */
import 'server-only';
import type { QueueEngine } from '../../broker/queues/index.js';
import { getBroker } from '../../broker/runtime.js';
import { HttpError } from '../api/errors.js';

export function queueEngine(): QueueEngine {
  const broker = getBroker();
  if (!broker || broker.state !== 'running' || !broker.queues) {
    throw new HttpError(503, 'broker_not_running', 'the built-in broker (and its queue layer) is not running in this process');
  }
  return broker.queues;
}
