/**
 * Publishing: messages become ordinary records of the topic (Kafka consumers read them too).
 * Resolves once every record is durable under the topic's flush policy; a publish that throws
 * appended nothing unless the error says which partitions were written.
 */
import { SluiceError } from '../errors.js';
import { countProduced } from '../metrics/traffic.js';
import { crc32c } from '../records/crc32c.js';
import { encodeBatch, type RecordInput } from '../records/encoder.js';
import { appendWithinBacklog } from './backlog-archive.js';
import type { QueueContext } from './context.js';
import { DELIVER_AT_HEADER, requestedDeliverAt } from './delay.js';
import { EXPIRES_AT_HEADER, requestedExpiry } from './ttl.js';
import { IDEMPOTENCY_HEADER, validateIdempotencyKey } from './idempotency.js';
import type { PublishMessage, PublishResult } from './types.js';

const MAX_MESSAGES = 10_000;
const roundRobin = new WeakMap<QueueContext, Map<string, number>>();

export async function publish(ctx: QueueContext, topic: string, messages: readonly PublishMessage[]): Promise<PublishResult[]> {
  ctx.assertOpen();
  const info = ctx.store.getTopic(topic);
  if (!info) throw new SluiceError('UNKNOWN_TOPIC', `topic ${topic} does not exist`, { topic });
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) {
    throw new SluiceError('INVALID_REQUEST', `publish takes 1..${MAX_MESSAGES} messages, got ${Array.isArray(messages) ? messages.length : typeof messages}`);
  }
  const now = ctx.now();
  messages.forEach((m, index) => checkMessage(m, index));
  const keys = messages.map((m, index) => (m.idempotencyKey === undefined ? undefined : validateIdempotencyKey(m.idempotencyKey, index)));
  const dedup = keys.some((k) => k !== undefined) ? await ctx.idempotency.forTopic(topic, now) : undefined;

  const out: PublishResult[] = new Array(messages.length);
  // Duplicates of a publish in flight (or earlier in this batch) wait for its position.
  const waits: Array<{ index: number; wait: PublishResult | Promise<PublishResult> }> = [];
  const claimed: string[] = [];
  const byPartition = new Map<number, { index: number; record: RecordInput }[]>();
  try {
    messages.forEach((m, index) => {
      const key = keys[index];
      if (key !== undefined && dedup) {
        const earlier = dedup.lookup(key, now);
        if (earlier !== undefined) {
          waits.push({ index, wait: earlier });
          return;
        }
      }
      const p = choosePartition(ctx, topic, info.partitions, m, index);
      const at = requestedDeliverAt(m, index, now);
      const expires = requestedExpiry(m, index, now);
      const headers = { ...m.headers };
      if (at !== undefined) headers[DELIVER_AT_HEADER] = String(at);
      if (expires !== undefined) headers[EXPIRES_AT_HEADER] = String(expires);
      if (key !== undefined) headers[IDEMPOTENCY_HEADER] = key;
      let list = byPartition.get(p);
      if (!list) byPartition.set(p, (list = []));
      list.push({ index, record: { key: m.key ?? null, value: m.value, headers, timestamp: now } });
      if (key !== undefined && dedup) {
        dedup.claim(key);
        claimed.push(key);
      }
    });
  } catch (err) {
    for (const k of claimed) dedup!.failed(k, err);
    throw err;
  }
  try {
    // Encode everything before appending anything, so a bad message changes nothing.
    const batches = await Promise.all([...byPartition].map(async ([p, list]) => ({ p, list, batch: await encodeBatch(list.map((x) => x.record)) })));
    const adding = [...byPartition.values()].reduce((n, list) => n + list.length, 0);
    await appendWithinBacklog(ctx, topic, adding, () =>
      Promise.all(
        batches.map(async ({ p, list, batch }) => {
          const res = await ctx.store.append(topic, p, batch);
          countProduced(topic, batch);
          list.forEach((x, i) => {
            out[x.index] = { partition: p, offset: res.baseOffset + i };
            const key = keys[x.index];
            if (key !== undefined) dedup?.done(key, out[x.index]!, now);
          });
        }),
      ),
    );
  } catch (err) {
    for (const k of claimed) dedup!.failed(k, err);
    throw err;
  }
  for (const w of waits) out[w.index] = await w.wait;
  return out;
}

function choosePartition(ctx: QueueContext, topic: string, partitions: number, m: PublishMessage, index: number): number {
  if (m.partition !== undefined) {
    if (!Number.isInteger(m.partition) || m.partition < 0 || m.partition >= partitions) {
      throw new SluiceError('UNKNOWN_PARTITION', `message ${index}: topic ${topic} has partitions 0..${partitions - 1}, not ${m.partition}`, { topic, partition: m.partition });
    }
    return m.partition;
  }
  if (m.key !== undefined && m.key !== null) {
    const key = typeof m.key === 'string' ? Buffer.from(m.key, 'utf8') : m.key;
    return crc32c(key) % partitions;
  }
  let counters = roundRobin.get(ctx);
  if (!counters) roundRobin.set(ctx, (counters = new Map()));
  const next = counters.get(topic) ?? 0;
  counters.set(topic, next + 1);
  return next % partitions;
}

/** Throws a precise INVALID_REQUEST for a malformed message (transactions.ts validates with it too). */
export function checkMessage(m: PublishMessage, index: number): void {
  if (typeof m !== 'object' || m === null) throw new SluiceError('INVALID_REQUEST', `message ${index} is not an object`);
  const okBytes = (v: unknown) => v === null || typeof v === 'string' || Buffer.isBuffer(v);
  if (!okBytes(m.value)) throw new SluiceError('INVALID_REQUEST', `message ${index}: value must be a string, Buffer or null`);
  if (m.key !== undefined && !okBytes(m.key)) throw new SluiceError('INVALID_REQUEST', `message ${index}: key must be a string, Buffer or null`);
  if (m.headers !== undefined) {
    if (typeof m.headers !== 'object' || m.headers === null || Array.isArray(m.headers)) throw new SluiceError('INVALID_REQUEST', `message ${index}: headers must be an object of name -> value`);
    for (const [k, v] of Object.entries(m.headers)) {
      if (k.length === 0) throw new SluiceError('INVALID_REQUEST', `message ${index}: header names must not be empty`);
      if (!(typeof v === 'string' || Buffer.isBuffer(v))) throw new SluiceError('INVALID_REQUEST', `message ${index}: header ${JSON.stringify(k)} must be a string or Buffer`);
    }
  }
}
