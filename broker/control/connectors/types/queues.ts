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
  /** Registered consumers; null where delivery is pull-based with no registration (built-in:
   * any HTTP client may receive, so there is nothing to count). */
  consumers: number | null;
  /** The fields below are absent where the backend has no such notion (RabbitMQ queues have no
   * per-subscription attempts limit or cursor). */
  /** Everything not yet settled: ready + in flight + delayed. */
  backlog?: number;
  config?: QueueSubscriptionConfig;
  /** Where messages go after the last failed attempt. */
  deadLetterTopic?: string;
  /** Where messages whose time to live ran out are archived. */
  expiredTopic?: string;
  /** Per partition: every offset below `cursor` is settled; `end` is the log end offset. */
  partitions?: QueuePartitionCursor[];
  /** Unsettled messages by the attempt they are on: [0] first attempt (never failed), [1]
   * second, …; the last entry also counts every later attempt (at most 10 entries, built-in:
   * broker/queues/stats.ts). Dead letters are `deadLettered`. */
  attempts?: number[];
}

export interface QueueSubscriptionConfig {
  /** Deliveries (the first included) before a message is dead-lettered. */
  maxAttempts: number;
  /** 'key': a key's next message waits while an earlier one is leased or awaiting redelivery. */
  ordering: 'none' | 'key';
  /** Lease (visibility timeout) when a receive names none. */
  leaseMs: number;
}

export interface QueuePartitionCursor {
  partition: number;
  cursor: number;
  end: number;
}
