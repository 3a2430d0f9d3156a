/**
 * Idempotent-producer state (kafka-protocol.md §4), modelled on Kafka's ProducerStateEntry /
 * ProducerAppendInfo.checkSequence: per (producerId, partition) the epoch, the last sequence and
 * the last NUM_BATCHES_TO_RETAIN batches `(firstSeq, lastSeq, baseOffset)`.
 *
 * Appends are asynchronous and a partition can have several produce requests in flight, so the
 * check is split: `check()` runs synchronously in arrival order and, when the batch must be
 * written, returns a reservation that advances the expected sequence at once; the caller then
 * appends and calls `commit(baseOffset)` or `release(errorCode)`. A resend of a batch still in
 * flight waits for the original's outcome.
 *
 * State is rebuilt lazily per partition, on the first idempotent produce after start, by scanning
 * the partition's batch headers from the log start (no record decoding; cost: one sequential read
 * of the partition). Keyed by topic id, so a deleted and re-created topic starts empty.
 */
import { BATCH, readBatchHeader, type BatchHeader } from '../../records/batch-header.js';
import type { LogStore } from '../../storage/types.js';
import { ErrorCode } from '../handlers/errors.js';

export const NUM_BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;
/** Bytes read per chunk while rebuilding a partition's state. */
const REBUILD_CHUNK_BYTES = 1 << 20;

/** Last sequence of a batch, wrapping at Int32.MAX → 0 (DefaultRecordBatch.incrementSequence). */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

export function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/** What an unknown producer id (no state: never seen, or its batches were deleted) may send.
 * 'accept': any sequence, as Kafka 2.5+ does (ProducerAppendInfo l.135, reference §4).
 * 'reject': only sequence 0; other sequences get UNKNOWN_PRODUCER_ID (pre-KIP-360 behaviour). */
export type UnknownProducerPolicy = 'accept' | 'reject';

export interface RetainedBatch {
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
}

type Outcome = { baseOffset: number } | { errorCode: number };

interface Snapshot {
  epoch: number;
  lastSeq: number | null;
  batches: RetainedBatch[];
}

interface InFlight {
  epoch: number;
  firstSeq: number;
  lastSeq: number;
  outcome: Promise<Outcome>;
}

interface ProducerEntry {
  epoch: number;
  /** Sequence of the last accepted (written or in-flight) record; null: none yet. */
  lastSeq: number | null;
  /** Written batches of the current epoch, oldest first. */
  batches: RetainedBatch[];
  inFlight: InFlight[];
}

export interface Reservation {
  commit(baseOffset: number): void;
  release(errorCode: number): void;
}

export type CheckResult =
  | { kind: 'append'; reservation: Reservation }
  | { kind: 'duplicate'; baseOffset: number }
  /** Resend of a batch whose append is still running: answer with its outcome. */
  | { kind: 'pending'; outcome: Promise<Outcome> }
  | { kind: 'error'; errorCode: number };

export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

/** One partition's producers. */
export class PartitionProducers {
  private readonly entries = new Map<number, ProducerEntry>();

  constructor(private readonly unknownProducer: UnknownProducerPolicy = 'accept') {}

  /** Number of producers with state (tests, stats). */
  get size(): number {
    return this.entries.size;
  }

  /** Synchronous check-and-reserve; call in arrival order, before appending. */
  check(batch: BatchIdentity): CheckResult {
    const { producerId, producerEpoch: epoch, baseSequence: firstSeq } = batch;
    const lastSeq = lastSequenceOf(firstSeq, batch.lastOffsetDelta);
    const entry = this.entries.get(producerId);
    if (!entry) {
      if (this.unknownProducer === 'reject' && firstSeq !== 0) return { kind: 'error', errorCode: ErrorCode.UNKNOWN_PRODUCER_ID };
      const created: ProducerEntry = { epoch, lastSeq: null, batches: [], inFlight: [] };
      this.entries.set(producerId, created);
      return this.reserve(producerId, created, null, epoch, firstSeq, lastSeq);
    }
    if (epoch < entry.epoch) return { kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    if (epoch > entry.epoch) {
      // A new epoch starts its sequences at 0.
      if (firstSeq !== 0) return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
      return this.reserve(producerId, entry, snapshot(entry), epoch, firstSeq, lastSeq);
    }
    const written = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (written) return { kind: 'duplicate', baseOffset: written.baseOffset };
    const running = entry.inFlight.find((b) => b.epoch === epoch && b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (running) return { kind: 'pending', outcome: running.outcome };
    if (entry.lastSeq !== null && firstSeq !== nextSequence(entry.lastSeq)) {
      return { kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    return this.reserve(producerId, entry, snapshot(entry), epoch, firstSeq, lastSeq);
  }

  /** Rebuild: a batch already in the log (in log order). */
  replay(header: BatchHeader): void {
    if (header.producerId < 0 || header.isControl) return;
    let entry = this.entries.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) {
      entry = { epoch: header.producerEpoch, lastSeq: null, batches: [], inFlight: [] };
      this.entries.set(header.producerId, entry);
    } else if (header.producerEpoch < entry.epoch) {
      return; // fenced writer's batch; cannot happen with this broker's checks
    }
    const lastSeq = lastSequenceOf(header.baseSequence, header.lastOffsetDelta);
    retain(entry, { epoch: header.producerEpoch, firstSeq: header.baseSequence, lastSeq, baseOffset: header.baseOffset });
    entry.lastSeq = lastSeq;
  }

  private reserve(producerId: number, entry: ProducerEntry, before: Snapshot | null, epoch: number, firstSeq: number, lastSeq: number): CheckResult {
    let settle!: (o: Outcome) => void;
    const flight: InFlight = { epoch, firstSeq, lastSeq, outcome: new Promise<Outcome>((resolve) => (settle = resolve)) };
    if (epoch !== entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.lastSeq = lastSeq;
    entry.inFlight.push(flight);
    let done = false;
    const reservation: Reservation = {
      commit: (baseOffset) => {
        if (done) return;
        done = true;
        removeFlight(entry, flight);
        if (entry.epoch === epoch) retain(entry, { epoch, firstSeq, lastSeq, baseOffset });
        settle({ baseOffset });
      },
      release: (errorCode) => {
        if (done) return;
        done = true;
        const wasLatest = entry.inFlight[entry.inFlight.length - 1] === flight;
        removeFlight(entry, flight);
        // Undo only when nothing was reserved after it (a later in-flight batch already moved the
        // expected sequence on; the client's resend of this one then gets OUT_OF_ORDER).
        if (wasLatest && entry.lastSeq === lastSeq && entry.epoch === epoch) {
          if (!before) {
            if (entry.batches.length === 0 && entry.inFlight.length === 0 && this.entries.get(producerId) === entry) this.entries.delete(producerId);
            else entry.lastSeq = entry.batches.length > 0 ? entry.batches[entry.batches.length - 1]!.lastSeq : null;
          } else {
            if (before.epoch !== epoch) {
              entry.epoch = before.epoch;
              entry.batches = before.batches;
            }
            entry.lastSeq = before.lastSeq;
          }
        }
        settle({ errorCode });
      },
    };
    return { kind: 'append', reservation };
  }
}

function snapshot(entry: ProducerEntry): Snapshot {
  return { epoch: entry.epoch, lastSeq: entry.lastSeq, batches: entry.batches.slice() };
}

function retain(entry: ProducerEntry, batch: RetainedBatch): void {
  entry.batches.push(batch);
  if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.splice(0, entry.batches.length - NUM_BATCHES_TO_RETAIN);
}

function removeFlight(entry: ProducerEntry, flight: InFlight): void {
  const i = entry.inFlight.indexOf(flight);
  if (i >= 0) entry.inFlight.splice(i, 1);
}

/** Every partition's producer state; loaded lazily from the log. */
export class ProducerStateManager {
  private readonly loaded = new Map<string, PartitionProducers>();
  private readonly loading = new Map<string, Promise<PartitionProducers>>();

  constructor(
    private readonly store: LogStore,
    private readonly unknownProducer: UnknownProducerPolicy = 'accept',
  ) {}

  /** The partition's state when already loaded (synchronous, keeps arrival order). */
  peek(topicId: string, partition: number): PartitionProducers | undefined {
    return this.loaded.get(`${topicId}/${partition}`);
  }

  /** Loads (once) the partition's state from its batch headers. */
  partition(topic: string, topicId: string, partition: number): Promise<PartitionProducers> | PartitionProducers {
    const key = `${topicId}/${partition}`;
    const ready = this.loaded.get(key);
    if (ready) return ready;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.rebuild(topic, partition).then(
        (state) => {
          this.loaded.set(key, state);
          this.loading.delete(key);
          return state;
        },
        (err: unknown) => {
          this.loading.delete(key);
          throw err;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  private async rebuild(topic: string, partition: number): Promise<PartitionProducers> {
    const state = new PartitionProducers(this.unknownProducer);
    let { logStartOffset: from, logEndOffset: end } = this.store.offsets(topic, partition);
    while (from < end) {
      const chunk = await this.store.read(topic, partition, from, REBUILD_CHUNK_BYTES);
      end = chunk.highWatermark;
      const bytes = chunk.bytes;
      let pos = 0;
      let advanced = false;
      while (pos + BATCH.OVERHEAD <= bytes.length) {
        const header = readBatchHeader(bytes, pos);
        if (pos + header.sizeInBytes > bytes.length) break; // partial tail: read again from `from`
        state.replay(header);
        from = header.baseOffset + header.lastOffsetDelta + 1;
        pos += header.sizeInBytes;
        advanced = true;
      }
      if (!advanced) break;
    }
    return state;
  }
}
