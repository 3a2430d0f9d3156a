/**
 * `QueueClient.consume`: a long-running consumer over receive/ack, the way an AMQP consumer with a
 * prefetch limit or kafkajs's `run({ eachMessage })` works, so an application does not write the
 * loop itself. A handler that returns (or resolves) acks its message; one that throws nacks it
 * with the error's message as the reason (the broker redelivers it after backoff, or dead-letters
 * it after the subscription's last attempt).
 *
 * Two receive loops share the prefetch: while one loop's messages are being handled, the other's
 * receive is already on the wire. Each loop's acks ride on its next receive (the receive call's
 * `ack` field), so a batch costs one call and one journal write rather than two; they go alone
 * only when the loop stops. That keeps the broker busy while a consumer works, which one
 * receive-then-ack loop does not.
 */
import type { QueueMessage } from './queue-client.js';

/** 'running' -> 'stopping' (stop() called) -> 'stopped'; 'running' -> 'failed' (an error that a
 * retry cannot mend: 401, 403, 404 — say, the subscription was deleted). */
export type ConsumerState = 'running' | 'stopping' | 'stopped' | 'failed';

export interface ConsumeOptions {
  /** Messages asked for at a time across both receive loops (default 100, at most 2,000). */
  prefetch?: number;
  /** Handlers running at once within one loop's batch (default 1: one message after another). */
  concurrency?: number;
  /** Lease per message; default the subscription's `defaultLeaseMs`. */
  leaseMs?: number;
  /** Long-poll wait of each receive (default 1,000 ms): stop() returns within about this long. */
  waitMs?: number;
  /** Failures the consumer survives: receive errors it retries (network, 429, 5xx), acks or nacks
   * the broker refused (a lease that ran out while the handler worked: the message is redelivered). */
  onError?: (err: unknown) => void;
}

export type MessageHandler = (message: QueueMessage) => unknown;

export interface Consumer {
  readonly state: ConsumerState;
  /** Stops receiving; messages already received are still handled and acked or nacked first. */
  stop(): Promise<void>;
  /** Resolves once stopped; rejects with the error when the consumer fails. */
  readonly done: Promise<void>;
}

/** What the consumer needs from QueueClient. */
export interface ConsumerApi {
  receive(topic: string, subscription: string, options: { max: number; waitMs: number; leaseMs?: number; ack?: string[] }): Promise<QueueMessage[]>;
  ack(receipts: string[]): Promise<void>;
  nack(receipt: string, reason?: string): Promise<unknown>;
}

const MAX_PREFETCH = 2000;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/** Errors a later receive may not meet again: the network, overload, a restarting server. */
function retryable(err: unknown): boolean {
  const status = (err as { status?: unknown })?.status;
  return typeof status !== 'number' || status === 429 || status >= 500;
}

/** The broker refused the acks that rode on a receive (receive answers them as ack would). */
function ackRefused(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'stale_receipt' || code === 'message_settled' || code === 'invalid_receipt' || code === 'invalid_request';
}

/** The indexes of the receipts an ack refusal names (`details.failures[].index`). */
function refusedIndexes(err: unknown): number[] {
  const failures = (err as { details?: { failures?: unknown } })?.details?.failures;
  return Array.isArray(failures) ? failures.map((f: { index?: unknown }) => f?.index).filter((i): i is number => typeof i === 'number') : [];
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
}

export function startConsumer(api: ConsumerApi, topic: string, subscription: string, handler: MessageHandler, options: ConsumeOptions = {}): Consumer {
  const prefetch = options.prefetch ?? 100;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(prefetch) || prefetch < 1 || prefetch > MAX_PREFETCH) throw new RangeError(`prefetch must be an integer in [1, ${MAX_PREFETCH}], not ${prefetch}`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
  const waitMs = options.waitMs ?? 1000;
  const onError = options.onError ?? (() => {});
  const loops = prefetch >= 2 ? 2 : 1;
  const share = Math.ceil(prefetch / loops);
  let state: ConsumerState = 'running';

  /** Handles one batch; returns the receipts to ack. Nacks go out as their handlers fail. */
  const handle = async (batch: QueueMessage[], nacks: Promise<unknown>[]): Promise<string[]> => {
    const acks: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < batch.length) {
        const m = batch[next++]!;
        try {
          // Awaited only when it is a promise: a synchronous handler costs no microtask per message.
          const result = handler(m);
          if (isThenable(result)) await result;
          acks.push(m.receipt);
        } catch (err) {
          const reason = (err instanceof Error ? err.message : String(err)).slice(0, 4096);
          nacks.push(api.nack(m.receipt, reason).catch(onError));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    return acks;
  };

  const loop = async () => {
    // The acks of the last batch ride on the next receive (one call and one journal write for
    // both); they go on their own only when the loop stops or that receive fails.
    let acks: string[] = [];
    let nacks: Promise<unknown>[] = [];
    let retryMs = RETRY_MIN_MS;
    try {
      while (state === 'running') {
        let batch: QueueMessage[];
        const carried = acks;
        acks = [];
        try {
          batch = await api.receive(topic, subscription, { max: share, waitMs, ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}), ...(carried.length > 0 ? { ack: carried } : {}) });
          retryMs = RETRY_MIN_MS;
        } catch (err) {
          if (carried.length > 0 && ackRefused(err)) {
            // Nothing acked, nothing leased (a lease ran out while the handler worked, say). The
            // receipts the broker did not name are acked on their own, so only the refused
            // messages come back.
            onError(err);
            const refused = new Set(refusedIndexes(err));
            const good = refused.size > 0 ? carried.filter((_, i) => !refused.has(i)) : [];
            if (good.length > 0) await api.ack(good).catch(onError);
            continue;
          }
          if (!retryable(err)) throw err;
          onError(err);
          // Whether the carried acks were applied is unknown: send them alone (a "settled" answer
          // for ones that were is reported and harmless).
          if (carried.length > 0) await api.ack(carried).catch(onError);
          await new Promise((r) => setTimeout(r, retryMs));
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
          continue;
        }
        // Nacks of the batch before last: bounded in flight, and normally long answered.
        await Promise.all(nacks);
        nacks = [];
        if (batch.length === 0) continue;
        acks = await handle(batch, nacks);
      }
    } catch (err) {
      // The other loop stops after its current batch, so done settles with everything handled.
      state = 'failed';
      throw err;
    } finally {
      await Promise.all([acks.length > 0 ? api.ack(acks).catch(onError) : undefined, ...nacks]);
    }
  };

  const done = Promise.allSettled(Array.from({ length: loops }, loop)).then((results) => {
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    state = 'stopped';
  });
  // A failure is reported through `done` (and stop()); never as an unhandled rejection.
  done.catch(() => {});
  return {
    get state() {
      return state;
    },
    done,
    stop() {
      if (state === 'running') state = 'stopping';
      return done;
    },
  };
}
