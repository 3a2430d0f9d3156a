/**
 * Sluice's queue layer as a `bench:queue` target, in process: a FileLogStore with the default
 * `sync` flush policy (publish resolves after fdatasync — tier B, like RabbitMQ's persistent
 * messages with confirms) and the queue engine on top. Publishes go in batches of up to
 * PUBLISH_BATCH messages per call (the HTTP API's batch publish), with `window` messages
 * unconfirmed at most; messages are consumed the way a prefetching RabbitMQ consumer takes them
 * (see pipelined-consumer.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../broker/logger.js';
import { startQueues, type QueueEngine } from '../../broker/queues/index.js';
import { FileLogStore } from '../../broker/storage/file-log-store.js';
import { consumePipelined } from './pipelined-consumer.js';
import { sluiceHttpTarget } from './sluice-http.js';
import type { QueueBenchTarget } from './types.js';

const PUBLISH_BATCH = 100;

const quiet: Logger = { debug: () => {}, info: () => {}, warn: (m, f) => console.error('warn:', m, f ?? ''), error: (m, f) => console.error('error:', m, f ?? '') };

export function sluiceInProcessTarget(baseDir: string): QueueBenchTarget {
  let dir = '';
  let store: FileLogStore | undefined;
  let engine: QueueEngine | undefined;
  const topic = 'bench';
  const subscription = 'bench-sub';
  return {
    name: `Sluice queue layer, in process, sync (fdatasync before ack), publish batches of ${PUBLISH_BATCH}`,
    tier: 'B',
    async setup() {
      dir = await mkdtemp(path.join(baseDir, 'sluice-bench-queue-'));
      store = new FileLogStore({ dataDir: dir, logger: quiet });
      await store.open();
      await store.createTopic(topic, 1);
      engine = await startQueues(store, { logger: quiet });
      await engine.createSubscription(topic, subscription);
    },
    async publish(bodies, count, window) {
      const q = engine!;
      let next = 0;
      const inflight = new Set<Promise<unknown>>();
      while (next < count) {
        const n = Math.min(PUBLISH_BATCH, count - next);
        const from = next;
        next += n;
        const p: Promise<unknown> = q.publish(topic, Array.from({ length: n }, (_, i) => ({ value: bodies(from + i) }))).finally(() => inflight.delete(p));
        inflight.add(p);
        if (inflight.size * PUBLISH_BATCH >= window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    },
    async consume(count, batch, onMessage) {
      const q = engine!;
      await consumePipelined(count, batch, async (max) => {
        const messages = await q.receive(topic, subscription, { max, leaseMs: 60_000, waitMs: 1000 });
        for (const m of messages) onMessage(m.value!);
        return messages.map((m) => m.receipt);
      }, (receipts) => q.ack(receipts));
    },
    async teardown() {
      await engine?.close();
      await store?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function sluiceTargets(baseDir: string): (() => QueueBenchTarget)[] {
  return [() => sluiceInProcessTarget(baseDir), () => sluiceHttpTarget(baseDir, 'console port'), () => sluiceHttpTarget(baseDir, 'data-plane port')];
}
