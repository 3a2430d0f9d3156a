/**
 * What every system in `npm run bench:queue` implements, so Sluice and its peers run the same
 * phases with the same message sizes and batching, in the same process and the same run.
 */
export interface QueueBenchTarget {
  /** Row label, e.g. "RabbitMQ 3.10 classic v2, persistent, confirms". */
  readonly name: string;
  /** Durability tier (docs/benchmarks.md): 'B' = fsync before the publish is confirmed. */
  readonly tier: 'A' | 'B';
  /** Creates a fresh, empty queue/topic/subscription for one run. */
  setup(): Promise<void>;
  /**
   * Publishes `count` messages of `body` (each prefixed with its sequence number and send time by
   * the caller), keeping at most `window` publishes unconfirmed; resolves when all are confirmed.
   */
  publish(bodies: (seq: number) => Buffer, count: number, window: number): Promise<void>;
  /**
   * Receives and acknowledges `count` messages, `batch` at a time (prefetch / max messages),
   * calling `onMessage` for each before it is acked; resolves when all are acked.
   */
  consume(count: number, batch: number, onMessage: (body: Buffer) => void): Promise<void>;
  teardown(): Promise<void>;
}

/** Payload layout shared by all targets: 8-byte sequence, 8-byte send time (ms, float64), padding. */
export function makeBody(size: number): (seq: number) => Buffer {
  const template = Buffer.alloc(Math.max(16, size), 0x61);
  return (seq) => {
    const b = Buffer.from(template);
    b.writeBigUInt64BE(BigInt(seq), 0);
    b.writeDoubleBE(performance.timeOrigin + performance.now(), 8);
    return b;
  };
}

export function readSeq(body: Buffer): number {
  return Number(body.readBigUInt64BE(0));
}

export function readSentAt(body: Buffer): number {
  return body.readDoubleBE(8);
}
