/**
 * Sluice's queue layer through its HTTP API, as a `bench:queue` target: a real `npm start`
 * (Next.js production server with the broker inside, `sync` flush policy) on a temp data dir,
 * driven with an operator API token the way an application would: publishes with fetch and binary
 * publish batches, consumes with the TypeScript client's `consume` (broker/client/consumer.ts:
 * binary batches, each batch's acks riding on the loop's next receive, prefetch = `batch` split
 * over two pipelined receive loops, like RabbitMQ's prefetch). Each publish call carries up to PUBLISH_BATCH messages. Two variants:
 * through the console's port (Next.js route handlers) and through the queue data-plane port
 * (SLUICE_QUEUE_HTTP_PORT: the same handlers on a bare node:http server).
 */
import { BATCH_MEDIA_TYPE, encodePublishBatch } from '../../broker/client/batch-format.js';
import { QueueClient } from '../../broker/client/queue-client.js';
import { json, startSluice, type SluiceServer } from '../lib/sluice-server.js';
import type { QueueBenchTarget } from './types.js';

const PUBLISH_BATCH = 100;

export function sluiceHttpTarget(baseDir: string, via: 'console port' | 'data-plane port'): QueueBenchTarget {
  let server: SluiceServer | undefined;
  let auth: Record<string, string> = {};
  let client: QueueClient | undefined;
  const topic = 'bench-http';
  const sub = 'bench-sub';

  const post = (url: string, body: unknown) =>
    fetch(`${via === 'console port' ? server!.base : server!.dataPlaneBase}${url}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(json);

  return {
    name: `Sluice queue layer, HTTP API via the ${via} (npm start), sync, publish batches of ${PUBLISH_BATCH}`,
    tier: 'B',
    async setup() {
      server = await startSluice(baseDir);
      const token = await server.token('operator');
      auth = { authorization: `Bearer ${token}` };
      client = new QueueClient({ baseUrl: via === 'console port' ? server.base : server.dataPlaneBase, token });
      await fetch(`${server.base}/api/v1/clusters/built-in/topics`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: topic, partitions: 1 }) }).then(json);
      await post(`/api/v1/queues/${topic}/subscriptions`, { name: sub, startAt: 'earliest' });
    },
    async publish(bodies, count, window) {
      let next = 0;
      const inflight = new Set<Promise<unknown>>();
      while (next < count) {
        const n = Math.min(PUBLISH_BATCH, count - next);
        const from = next;
        next += n;
        // A binary publish batch (no idempotency keys, like the other targets' publishes).
        const batch = encodePublishBatch(Array.from({ length: n }, (_, i) => ({ key: null, value: bodies(from + i), headers: {} })));
        const p: Promise<unknown> = fetch(`${via === 'console port' ? server!.base : server!.dataPlaneBase}/api/v1/queues/${topic}/messages`, {
          method: 'POST',
          headers: { ...auth, 'content-type': BATCH_MEDIA_TYPE },
          body: new Uint8Array(batch.buffer, batch.byteOffset, batch.length) as Uint8Array<ArrayBuffer>,
        })
          .then(json)
          .finally(() => inflight.delete(p));
        inflight.add(p);
        if (inflight.size * PUBLISH_BATCH >= window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    },
    async consume(count, batch, onMessage) {
      // The client's own consumer (prefetch = the batch, pipelined receives, batched acks); it
      // stops once `count` messages are handled, and stop() resolves when their acks are durable.
      // waitMs 50: at the end the other loop's empty long poll is what stop() waits for.
      let handled = 0;
      let all!: () => void;
      const finished = new Promise<void>((resolve) => (all = resolve));
      const consumer = client!.consume(topic, sub, (m) => {
        onMessage(m.value!);
        if (++handled === count) all();
      }, { prefetch: batch, leaseMs: 60_000, waitMs: 50 });
      await Promise.race([finished, consumer.done]);
      await consumer.stop();
    },
    async teardown() {
      await server?.stop();
    },
  };
}
