/**
 * Starts the queue data-plane listener when SLUICE_QUEUE_HTTP_PORT is set (instrumentation.ts),
 * on SLUICE_HTTP_HOST like the console (loopback unless configured otherwise).
 */
import { QUEUE_ROUTES } from '../../app/api/v1/queues/queue-routes.js';
import { createLogger } from '../../broker/logger.js';
import { startDataPlane, type DataPlane } from './listener.js';

export class DataPlaneConfigError extends Error {}

/** The port from the environment: undefined when unset (no listener), else 0-65535. */
export function dataPlanePort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.SLUICE_QUEUE_HTTP_PORT;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 65_535) {
    throw new DataPlaneConfigError(`SLUICE_QUEUE_HTTP_PORT must be a port number 0-65535 (0: any free port), not ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

export async function startQueueDataPlane(port: number | undefined, env: NodeJS.ProcessEnv = process.env): Promise<DataPlane | undefined> {
  if (port === undefined) return undefined;
  const host = env.SLUICE_HTTP_HOST || '127.0.0.1';
  const plane = await startDataPlane({ host, port, routes: QUEUE_ROUTES });
  createLogger('server').info('queue data plane listening', { host, port: plane.port, routes: '/api/v1/queues/…' });
  return plane;
}
