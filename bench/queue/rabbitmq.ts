/**
 * RabbitMQ peer for `bench:queue`, via amqplib: persistent messages (delivery_mode 2) with
 * publisher confirms, consumed with manual acks. That is RabbitMQ's at-least-once,
 * fsync-before-confirm configuration (tier B), the one Sluice's queue layer is compared with.
 * Queue types: classic v2 (`x-queue-version: 2`) and quorum (single node, Raft WAL).
 */
import amqp, { type ConfirmChannel, type ChannelModel } from 'amqplib';
import type { QueueBenchTarget } from './types.js';

export interface RabbitTargetOptions {
  url?: string;
  queueType: 'classic' | 'quorum';
}

export function rabbitTarget(options: RabbitTargetOptions): QueueBenchTarget {
  const url = options.url ?? process.env.SLUICE_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const queue = `sluice-bench-${options.queueType}-${process.pid}-${Date.now()}`;
  let conn: ChannelModel | undefined;
  let ch: ConfirmChannel | undefined;
  const args = options.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : { 'x-queue-version': 2 };

  return {
    name: `RabbitMQ ${options.queueType === 'quorum' ? 'quorum queue' : 'classic v2 queue'}, persistent, confirms, manual acks`,
    tier: 'B',
    async setup() {
      conn = await amqp.connect(url);
      ch = await conn.createConfirmChannel();
      await ch.assertQueue(queue, { durable: true, arguments: args });
      await ch.purgeQueue(queue);
    },
    async publish(bodies, count, window) {
      const channel = ch!;
      let confirmed = 0;
      let sent = 0;
      await new Promise<void>((resolve, reject) => {
        const pump = () => {
          while (sent < count && sent - confirmed < window) {
            const ok = channel.sendToQueue(queue, bodies(sent), { persistent: true }, (err) => {
              if (err) return reject(err instanceof Error ? err : new Error(String(err)));
              confirmed++;
              if (confirmed === count) resolve();
              else pump();
            });
            sent++;
            // amqplib buffers internally; respect its write backpressure too.
            if (!ok) {
              channel.once('drain', pump);
              return;
            }
          }
        };
        pump();
      });
    },
    async consume(count, batch, onMessage) {
      const channel = await conn!.createChannel();
      await channel.prefetch(batch);
      let received = 0;
      // Multi-ack every `ackEvery` deliveries (PerfTest's --multi-ack-every), plus the tail.
      const ackEvery = Math.max(1, Math.floor(batch / 2));
      await new Promise<void>((resolve, reject) => {
        channel
          .consume(queue, (msg) => {
            if (!msg) return reject(new Error('consumer cancelled by RabbitMQ'));
            onMessage(msg.content);
            received++;
            if (received % ackEvery === 0 || received === count) channel.ack(msg, true);
            if (received === count) resolve();
          }, { noAck: false })
          .catch(reject);
      });
      await channel.close();
    },
    async teardown() {
      if (ch) {
        await ch.deleteQueue(queue).catch(() => {});
        await ch.close().catch(() => {});
      }
      await conn?.close().catch(() => {});
    },
  };
}
