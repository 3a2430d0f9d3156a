/**
 * Messages and bytes per topic, counted where messages enter and leave for clients: the Kafka
 * Produce and Fetch handlers, the queue layer's publish and receive, and produce from the console.
 *
 * The message path pays one map lookup and four additions per batch: totals are plain numbers
 * (registry.ts says why not prom-client's `inc`), and record counts come from the batch headers
 * (a fixed-offset int32 read per batch); records are never decoded.
 */
import { BATCH } from '../records/batch-header.js';
import { sluiceMetrics, type TopicTraffic } from './registry.js';

const topics = sluiceMetrics().topics;

function traffic(topic: string): TopicTraffic {
  let t = topics.get(topic);
  if (!t) topics.set(topic, (t = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 }));
  return t;
}

/** Records in a run of whole record batches v2, read from each batch header. */
export function recordsInBatches(batches: Buffer): number {
  let records = 0;
  let pos = 0;
  while (pos + BATCH.OVERHEAD <= batches.length) {
    records += batches.readInt32BE(pos + BATCH.RECORDS_COUNT);
    pos += BATCH.LOG_OVERHEAD + batches.readInt32BE(pos + BATCH.BATCH_LENGTH);
  }
  return records;
}

/** One record batch appended by Kafka Produce, a queue publish or the console (after the store accepted it). */
export function countProduced(topic: string, batch: Buffer): void {
  const t = traffic(topic);
  t.messagesIn += recordsInBatches(batch);
  t.bytesIn += batch.length;
}

/** Messages handed out by a queue receive (their keys and values: there is no batch framing). */
export function countDelivered(topic: string, messages: number, bytes: number): void {
  if (messages === 0) return;
  const t = traffic(topic);
  t.messagesOut += messages;
  t.bytesOut += bytes;
}

/** Record batches put into a Fetch response for one partition. */
export function countFetched(topic: string, batches: Buffer | null): void {
  if (!batches || batches.length === 0) return;
  const t = traffic(topic);
  t.messagesOut += recordsInBatches(batches);
  t.bytesOut += batches.length;
}

/** Messages and bytes in and out summed over every topic, as counted so far in this process. */
export function trafficTotals(): TopicTraffic {
  const sum: TopicTraffic = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };
  for (const t of topics.values()) {
    sum.messagesIn += t.messagesIn;
    sum.bytesIn += t.bytesIn;
    sum.messagesOut += t.messagesOut;
    sum.bytesOut += t.bytesOut;
  }
  return sum;
}
