/** Storage engine latencies: fdatasync (one per commit group) and whole appends. */
import { sluiceMetrics } from './registry.js';

const metrics = sluiceMetrics();

/** Runs one fdatasync and records how long it took (failed ones too: a slow failure is news). */
export async function timeFsync<T>(fsync: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fsync();
  } finally {
    metrics.fsyncSeconds.observe((performance.now() - started) / 1000);
  }
}

/**
 * Records the latency of a successful append and returns the same promise. `started` is read by
 * the caller before it starts the append (`observeAppend(performance.now(), partition.append(…))`)
 * so the synchronous validation counts too. Failed appends are not observed; the caller reports them.
 */
export function observeAppend<T>(started: number, appended: Promise<T>): Promise<T> {
  appended.then(
    () => metrics.appendSeconds.observe((performance.now() - started) / 1000),
    () => undefined,
  );
  return appended;
}
