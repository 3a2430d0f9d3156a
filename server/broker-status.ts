/**
 * Server-only data layer for the broker's status: what server components render on first paint
 * and what `/api/v1/broker` returns. It reads the process-wide broker that `instrumentation.ts`
 * started; no request ever starts one.
 */
import 'server-only';
import { getBroker, type BrokerStatus } from '../broker/runtime.js';

export type { BrokerStatus };

/** The broker's status, or null when no broker is running in this process. */
export function getBrokerStatus(): BrokerStatus | null {
  return getBroker()?.status() ?? null;
}
