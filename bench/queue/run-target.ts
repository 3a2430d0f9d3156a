/**
 * Runs the phases of `bench:queue` against one target and checks the messages on the way:
 * a run that loses or duplicates a message is reported as invalid, never as a figure.
 *
 * 0. warm-up (not timed): `warmup` messages published and consumed the same way, so the timed
 *    phases measure a warm system, as a long-running broker is. Every target gets it: a Node.js
 *    server started for the run compiles its hot paths (V8's optimizing compiler) during its first
 *    hundred thousand or so messages, while the RabbitMQ and NATS servers were started long before;
 * 1. publish: `count` messages, `window` unconfirmed at most → confirmed publishes/s;
 * 2. consume: drain them with acks, `batch` per receive/prefetch → acknowledged messages/s;
 *    1 and 2 run `repeat` times and each figure is the median of its repetitions: at 100,000
 *    messages a phase lasts about a second for the faster systems, and one stall (a major GC,
 *    a slow fdatasync, the other process's burst on two shared cores) moved single figures by
 *    20 % or more between otherwise identical runs;
 * 3. latency: publish at a fixed rate while a consumer acks; end-to-end latency measured from
 *    each message's *intended* send time (open loop, so a stall is not hidden by waiting).
 */
import { LatencyRecorder } from '../lib/report.js';
import { readSentAt, readSeq, type QueueBenchTarget } from './types.js';

export interface PhaseOptions {
  messageBytes: number;
  /** Messages published and consumed before the timed phases (0: none). */
  warmup: number;
  count: number;
  /** Times phases 1 and 2 run; their figures are the medians. */
  repeat: number;
  window: number;
  batch: number;
  latencyRate: number;
  latencySeconds: number;
}

export interface TargetResult {
  name: string;
  tier: string;
  messageBytes: number;
  /** Medians of the repetitions below. */
  publishPerSec: number;
  consumeAckPerSec: number;
  publishRuns: number[];
  consumeRuns: number[];
  latency: { rate: number; p50: number; p99: number; max: number };
  problems: string[];
}

function bodyFactory(size: number, sentAt?: (seq: number) => number): (seq: number) => Buffer {
  const template = Buffer.alloc(Math.max(16, size), 0x61);
  return (seq) => {
    const b = Buffer.from(template);
    b.writeBigUInt64BE(BigInt(seq), 0);
    b.writeDoubleBE(sentAt ? sentAt(seq) : performance.timeOrigin + performance.now(), 8);
    return b;
  };
}

const now = () => performance.timeOrigin + performance.now();

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function runTarget(target: QueueBenchTarget, o: PhaseOptions): Promise<TargetResult> {
  const problems: string[] = [];
  await target.setup();
  try {
    // 0. warm-up, drained completely so the timed phases start from an empty queue
    if (o.warmup > 0) {
      await target.publish(bodyFactory(o.messageBytes), o.warmup, o.window);
      let drained = 0;
      await target.consume(o.warmup, o.batch, () => {
        drained++;
      });
      if (drained !== o.warmup) problems.push(`warm-up consumed ${drained} of ${o.warmup} messages`);
    }

    const publishRuns: number[] = [];
    const consumeRuns: number[] = [];
    for (let rep = 0; rep < o.repeat; rep++) {
      // 1. publish
      let t0 = performance.now();
      await target.publish(bodyFactory(o.messageBytes), o.count, o.window);
      publishRuns.push(o.count / ((performance.now() - t0) / 1000));

      // 2. consume + ack
      const seen = new Uint8Array(o.count);
      let dups = 0;
      t0 = performance.now();
      await target.consume(o.count, o.batch, (body) => {
        const seq = readSeq(body);
        if (seen[seq]) dups++;
        seen[seq] = 1;
      });
      consumeRuns.push(o.count / ((performance.now() - t0) / 1000));
      const missing = o.count - seen.reduce((a, b) => a + b, 0);
      if (missing > 0) problems.push(`repetition ${rep + 1}: ${missing} messages not received`);
      if (dups > 0) problems.push(`repetition ${rep + 1}: ${dups} duplicate deliveries in a crash-free run`);
    }
    const publishPerSec = median(publishRuns);
    const consumeAckPerSec = median(consumeRuns);

    // 3. latency at a fixed rate
    const n = Math.round(o.latencyRate * o.latencySeconds);
    const start = now() + 50;
    const intended = (seq: number) => start + (seq * 1000) / o.latencyRate;
    const recorder = new LatencyRecorder();
    const consuming = target.consume(n, o.batch, (body) => {
      recorder.add(now() - readSentAt(body));
    });
    const pace = bodyFactory(o.messageBytes, intended);
    // Publish in small bursts on schedule: each message carries its intended time, so a
    // publisher that falls behind shows up as latency instead of a lower rate.
    let next = 0;
    const publishing = (async () => {
      while (next < n) {
        const due = Math.min(n, Math.floor(((now() - start) * o.latencyRate) / 1000) + 1);
        if (due > next) {
          const from = next;
          const k = due - from;
          next = due;
          await target.publish((i) => pace(from + i), k, o.window);
        } else {
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    })();
    await Promise.all([publishing, consuming]);
    const s = recorder.summary();
    return { name: target.name, tier: target.tier, messageBytes: o.messageBytes, publishPerSec, consumeAckPerSec, publishRuns, consumeRuns, latency: { rate: o.latencyRate, ...s }, problems };
  } finally {
    await target.teardown();
  }
}
