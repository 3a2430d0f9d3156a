/**
 * NATS JetStream peer for `bench:queue`, via the `nats` client: a file-storage stream (R1), async
 * publishes with acks, and a durable pull consumer with cumulative acks (AckPolicy.All, acked
 * every half batch, like RabbitMQ's multi-ack). NATS 2.9 syncs JetStream files every 2 minutes,
 * not before a publish ack, so it is a tier A row (see docs/benchmarks.md): faster by design, not
 * like for like.
 */
import { AckPolicy, connect, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import type { QueueBenchTarget } from './types.js';

export function natsTarget(url = process.env.SLUICE_BENCH_NATS_URL ?? '127.0.0.1:4222'): QueueBenchTarget {
  const stream = `SLUICE_BENCH_${process.pid}_${Date.now()}`;
  const subject = `sluice.bench.${process.pid}.${Date.now()}`;
  const durable = 'bench';
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let jsm: JetStreamManager | undefined;

  return {
    name: 'NATS JetStream 2.9 file stream, pull consumer, acks',
    tier: 'A',
    async setup() {
      nc = await connect({ servers: url });
      jsm = await nc.jetstreamManager();
      js = nc.jetstream();
      await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, num_replicas: 1 });
      // One durable consumer for the whole run, so each consume() continues where the last one
      // stopped (like draining a queue) instead of replaying the stream from its start.
      await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.All, max_ack_pending: 10_000 });
    },
    async publish(bodies, count, window) {
      const client = js!;
      let sent = 0;
      let failed: unknown;
      const inflight = new Set<Promise<unknown>>();
      while (sent < count) {
        if (failed) throw failed;
        const p: Promise<unknown> = client.publish(subject, bodies(sent)).then(
          (): void => void inflight.delete(p),
          (err: unknown): void => {
            failed = err;
            inflight.delete(p);
          },
        );
        inflight.add(p);
        sent++;
        if (inflight.size >= window) await Promise.race(inflight);
      }
      await Promise.all(inflight);
      if (failed) throw failed;
    },
    async consume(count, batch, onMessage) {
      const consumer = await js!.consumers.get(stream, durable);
      const ackEvery = Math.max(1, Math.floor(batch / 2));
      let received = 0;
      const messages = await consumer.consume({ max_messages: batch });
      for await (const m of messages) {
        onMessage(Buffer.from(m.data));
        received++;
        if (received % ackEvery === 0 || received === count) await m.ackAck();
        if (received === count) break;
      }
      messages.stop();
    },
    async teardown() {
      await jsm?.streams.delete(stream).catch(() => {});
      await nc?.close();
    },
  };
}
