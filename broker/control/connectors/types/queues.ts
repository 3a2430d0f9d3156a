/**
 * Queue subscriptions: the queue layer's per-subscription cursors on the built-in broker,
 * RabbitMQ queues (a queue is its own subscription), Kafka has none (consumer groups instead).
 */

export interface QueueSubscription {
  /** The queue (built-in: topic) and subscription names; for RabbitMQ both are the queue. */
  queue: string;
  subscription: string;
  /** Ready to deliver now. */
  depth: number;
  /** Delivered, not yet acked (leased / unacked). */
  inFlight: number;
  /** Scheduled for later (delay or retry backoff). This and the next two are null where the
   * backend keeps no such count, never a made-up 0 (RabbitMQ: see docs/connectors.md). */
  delayed: number | null;
  deadLettered: number | null;
  expired: number | null;
  consumers: number;
}
