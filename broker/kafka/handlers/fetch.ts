/**
 * Fetch (key 1), v0-13. Serves stored record batches verbatim (kafka-protocol.md §2.5, §6.6-6.7).
 * v13+ name topics by their persisted id (KIP-516); an unknown id answers UNKNOWN_TOPIC_ID on each
 * of its partitions. Fetch sessions are not kept (session id 0), so forgotten topics are moot.
 *
 * Long poll: answers as soon as the data available reaches `min_bytes`, any partition has an
 * error, `max_wait_ms` has elapsed, or the broker starts shutting down — never later than
 * max_wait. Waiting is woken by the Produce handler (append-notifier.ts) and, for appends made
 * outside the Kafka handlers, by a short re-check timer.
 *
 * Sizes (KIP-74): each partition gets at most `partition_max_bytes` and the response at most
 * `max_bytes`, except that the first partition with data always gets at least one whole batch.
 * Batches are never cut. Empty partitions carry an empty record set, never null (§6.7).
 */
import { fetch } from '../protocol/apis/index.js';
import { type RequestOf, type ResponseOf } from '../protocol/index.js';
import { countFetched } from '../../metrics/traffic.js';
import { appendNotifier } from './append-notifier.js';
import { ErrorCode, kafkaErrorCodeFor } from './errors.js';
import { topicById, ZERO_UUID } from './topics.js';
import { defineHandler, type KafkaBrokerContext, type RequestContext } from './types.js';

type FetchRequest = RequestOf<typeof fetch>;
type FetchResponse = ResponseOf<typeof fetch>;
type PartitionResponse = FetchResponse['responses'][number]['partitions'][number];
/** A requested topic, resolved: `name` is null for a v13+ id that names no topic. */
interface WantedTopic {
  name: string | null;
  topicId: string;
  partitions: FetchRequest['topics'][number]['partitions'];
}

const EMPTY = Buffer.alloc(0);
/**
 * v12+ tagged fields (diverging epoch, current leader, snapshot id) are for replicas and KRaft:
 * a single node always answers their defaults, which the codec leaves out, as Kafka does
 * (@platformatic/kafka 1.35 cannot skip tagged fields, so writing them would break it).
 */
const REPLICA_FIELDS: Pick<PartitionResponse, 'divergingEpoch' | 'currentLeader' | 'snapshotId'> = {
  divergingEpoch: { epoch: -1, endOffset: -1n },
  currentLeader: { leaderId: -1, leaderEpoch: -1 },
  snapshotId: { endOffset: -1n, epoch: -1 },
};
/** Upper bound on one wait, whatever the client asks (Kafka has no bound; 30 s keeps sockets sane). */
export const MAX_FETCH_WAIT_MS = 30_000;

export const fetchHandler = defineHandler(fetch, async (request, ctx) => {
  const started = Date.now();
  const maxWaitMs = Math.min(Math.max(request.maxWaitMs, 0), MAX_FETCH_WAIT_MS);
  const deadline = started + maxWaitMs;
  const topics: WantedTopic[] = request.topics.map((t) =>
    ctx.apiVersion >= 13
      ? { name: topicById(ctx.broker, t.topicId)?.name ?? null, topicId: t.topicId, partitions: t.partitions }
      : { name: t.topic, topicId: ZERO_UUID, partitions: t.partitions },
  );
  const wanted = topics.flatMap((t) => (t.name === null ? [] : t.partitions.map((p) => ({ topic: t.name!, partition: p.partition }))));
  const shutdown = shutdownSignal(ctx.broker);

  for (;;) {
    const seen = offsetsSnapshot(ctx, wanted);
    const { responses, bytes, errors } = await readAll(request, topics, ctx);
    if (bytes >= request.minBytes || errors > 0 || wanted.length === 0) return respond(responses);
    // Wait for an append to a wanted partition (the store announces every one), the deadline or
    // shutdown. The change check and the waiter registration run in one synchronous step, so an
    // append that landed while readAll was reading is seen here rather than missed.
    for (;;) {
      const now = Date.now();
      if (now >= deadline || shutdown.aborted) return respond(responses);
      if (offsetsSnapshot(ctx, wanted) !== seen) break;
      await waitForData(ctx, wanted, deadline - now);
    }
  }
});

function respond(responses: FetchResponse['responses']): FetchResponse {
  for (const t of responses) for (const p of t.partitions) countFetched(t.topic, p.records);
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses };
}

/** A cheap fingerprint of the wanted partitions' offsets (no I/O). */
function offsetsSnapshot(ctx: RequestContext, wanted: { topic: string; partition: number }[]): string {
  const parts: string[] = [];
  for (const w of wanted) {
    try {
      const o = ctx.broker.store.offsets(w.topic, w.partition);
      parts.push(`${o.logStartOffset}:${o.logEndOffset}`);
    } catch {
      parts.push('x');
    }
  }
  return parts.join(',');
}

/** Waits for an append to one of `wanted`, `ms`, or shutdown, whichever comes first. */
async function waitForData(ctx: RequestContext, wanted: { topic: string; partition: number }[], ms: number): Promise<void> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.max(ms, 0));
  const shutdown = shutdownSignal(ctx.broker);
  shutdown.addEventListener('abort', abort, { once: true });
  if (shutdown.aborted) abort();
  try {
    await appendNotifier(ctx.broker.store).waitForAppend(wanted, controller.signal);
  } finally {
    clearTimeout(timer);
    shutdown.removeEventListener('abort', abort);
    abort();
  }
}

const shutdownSignals = new WeakMap<KafkaBrokerContext, AbortSignal>();

/** One AbortSignal per broker that fires when `shuttingDown` resolves (one listener on the promise). */
function shutdownSignal(broker: KafkaBrokerContext): AbortSignal {
  let signal = shutdownSignals.get(broker);
  if (!signal) {
    const controller = new AbortController();
    void broker.shuttingDown.then(() => controller.abort());
    shutdownSignals.set(broker, (signal = controller.signal));
  }
  return signal;
}

async function readAll(request: FetchRequest, topics: WantedTopic[], ctx: RequestContext): Promise<{ responses: FetchResponse['responses']; bytes: number; errors: number }> {
  let remaining = Math.max(request.maxBytes, 0);
  let bytes = 0;
  let errors = 0;
  let gotData = false;
  const responses: FetchResponse['responses'] = [];
  // Sequential on purpose: the byte budget is handed out in request order (KIP-74).
  for (const t of topics) {
    const partitions: PartitionResponse[] = [];
    for (const p of t.partitions) {
      const r =
        t.name === null
          ? failed(p.partition, ErrorCode.UNKNOWN_TOPIC_ID)
          : await readPartition(ctx, t.name, p.partition, p.fetchOffset, p.partitionMaxBytes, remaining, !gotData);
      if (r.errorCode !== 0) errors += 1;
      const n = r.records ? r.records.length : 0;
      if (n > 0) gotData = true;
      bytes += n;
      remaining -= n;
      partitions.push(r);
    }
    responses.push({ topic: t.name ?? '', topicId: t.topicId, partitions });
  }
  return { responses, bytes, errors };
}

async function readPartition(
  ctx: RequestContext,
  topic: string,
  partition: number,
  fetchOffset: bigint,
  partitionMaxBytes: number,
  remaining: number,
  first: boolean,
): Promise<PartitionResponse> {
  const { store } = ctx.broker;
  const info = store.getTopic(topic);
  if (!info || partition < 0 || partition >= info.partitions) return failed(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  let offsets;
  try {
    offsets = store.offsets(topic, partition);
  } catch (err) {
    return failed(partition, kafkaErrorCodeFor(err));
  }
  const base = {
    partitionIndex: partition,
    highWatermark: BigInt(offsets.logEndOffset),
    lastStableOffset: BigInt(offsets.logEndOffset),
    logStartOffset: BigInt(offsets.logStartOffset),
  };
  if (fetchOffset < BigInt(offsets.logStartOffset) || fetchOffset > BigInt(offsets.logEndOffset)) {
    return { ...failed(partition, ErrorCode.OFFSET_OUT_OF_RANGE), ...base };
  }
  const limit = Math.min(Math.max(partitionMaxBytes, 0), Math.max(remaining, 0));
  if (fetchOffset === BigInt(offsets.logEndOffset) || (limit === 0 && !first)) return ok(base, EMPTY);
  try {
    const read = await store.read(topic, partition, Number(fetchOffset), Math.max(limit, 1));
    let records = read.bytes;
    // The store always returns at least one whole batch; only the first partition with data may
    // exceed the limits (KIP-74).
    if (!first && records.length > limit) records = EMPTY;
    return ok(
      {
        ...base,
        highWatermark: BigInt(read.highWatermark),
        lastStableOffset: BigInt(read.highWatermark),
        logStartOffset: BigInt(read.logStartOffset),
      },
      records,
    );
  } catch (err) {
    const errorCode = kafkaErrorCodeFor(err);
    if (errorCode !== ErrorCode.OFFSET_OUT_OF_RANGE) {
      ctx.broker.logger.warn('fetch read failed', { topic, partition, errorCode, error: err instanceof Error ? err.message : String(err) });
    }
    return { ...failed(partition, errorCode), ...base };
  }
}

function ok(base: Pick<PartitionResponse, 'partitionIndex' | 'highWatermark' | 'lastStableOffset' | 'logStartOffset'>, records: Buffer): PartitionResponse {
  return {
    ...base,
    errorCode: 0,
    ...REPLICA_FIELDS,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records,
  };
}

function failed(partitionIndex: number, errorCode: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    ...REPLICA_FIELDS,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}
