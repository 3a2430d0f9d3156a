/**
 * Provenance headers on dead letters (and, later, archived and moved messages): what Sluice
 * writes, and a parser that also recognises what other tools write, so the console can redrive
 * dead letters whichever tool produced them. Names and encodings are listed in docs/queues.md.
 */
import type { DecodedHeader } from '../records/decoder.js';

export const H = {
  topic: 'sluice-original-topic',
  partition: 'sluice-original-partition',
  offset: 'sluice-original-offset',
  key: 'sluice-original-key',
  timestamp: 'sluice-original-timestamp',
  subscription: 'sluice-subscription',
  attempts: 'sluice-attempts',
  reason: 'sluice-failure-reason',
  message: 'sluice-failure-message',
  firstFailure: 'sluice-first-failure-time',
  lastFailure: 'sluice-last-failure-time',
  deadLetteredAt: 'sluice-dead-lettered-time',
} as const;

export interface DeadLetterProvenance {
  /** Which convention the headers follow. */
  source: 'sluice' | 'spring-kafka' | 'spring-cloud-stream' | 'kafka-connect';
  topic: string;
  partition?: number;
  offset?: number;
  key?: Buffer | null;
  timestamp?: number;
  subscription?: string;
  /** Spring: the consumer group; Connect: the connector name. */
  consumer?: string;
  attempts?: number;
  reason?: string;
  message?: string;
  exceptionClass?: string;
  firstFailure?: number;
  lastFailure?: number;
}

export interface DeadLetterInput {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  timestamp: number;
  subscription: string;
  attempts: number;
  reason: string;
  message?: string;
  firstFailure: number;
  lastFailure: number;
  now: number;
}

/** Sluice's own headers: all text (decimal numbers, ms since the epoch), readable by any tool. */
export function deadLetterHeaders(d: DeadLetterInput): Array<{ key: string; value: Buffer | null }> {
  const s = (v: string | number) => Buffer.from(String(v), 'utf8');
  const out: Array<{ key: string; value: Buffer | null }> = [
    { key: H.topic, value: s(d.topic) },
    { key: H.partition, value: s(d.partition) },
    { key: H.offset, value: s(d.offset) },
    { key: H.timestamp, value: s(d.timestamp) },
    { key: H.subscription, value: s(d.subscription) },
    { key: H.attempts, value: s(d.attempts) },
    { key: H.reason, value: s(d.reason) },
    { key: H.firstFailure, value: s(d.firstFailure) },
    { key: H.lastFailure, value: s(d.lastFailure) },
    { key: H.deadLetteredAt, value: s(d.now) },
  ];
  // The record key is kept as the dead letter's key too; the header also says it was null.
  out.push({ key: H.key, value: d.key });
  if (d.message !== undefined) out.push({ key: H.message, value: s(d.message) });
  return out;
}

/**
 * Reads provenance from a dead letter's headers. Tries Sluice, Spring Kafka
 * (`kafka_dlt-original-*`, numbers as big-endian binary), Spring Cloud Stream (`x-original-*`,
 * binary as well) and Kafka Connect (`__connect.errors.*`, numbers as text), in that order.
 * Returns undefined when no convention's original-topic header is present.
 */
export function parseDeadLetterProvenance(headers: readonly DecodedHeader[]): DeadLetterProvenance | undefined {
  const map = new Map<string, Buffer | null>();
  for (const h of headers) map.set(h.key, h.value); // last one wins, as Kafka's Headers.lastHeader
  const text = (k: string) => {
    const v = map.get(k);
    return v === undefined || v === null ? undefined : v.toString('utf8');
  };
  const dec = (k: string) => decimal(text(k));

  const sluiceTopic = text(H.topic);
  if (sluiceTopic !== undefined) {
    return clean({
      source: 'sluice',
      topic: sluiceTopic,
      partition: dec(H.partition),
      offset: dec(H.offset),
      key: map.has(H.key) ? (map.get(H.key) ?? null) : undefined,
      timestamp: dec(H.timestamp),
      subscription: text(H.subscription),
      attempts: dec(H.attempts),
      reason: text(H.reason),
      message: text(H.message),
      firstFailure: dec(H.firstFailure),
      lastFailure: dec(H.lastFailure),
    });
  }
  const springTopic = text('kafka_dlt-original-topic');
  if (springTopic !== undefined) {
    return clean({
      source: 'spring-kafka',
      topic: springTopic,
      partition: binaryOrDecimal(map.get('kafka_dlt-original-partition')),
      offset: binaryOrDecimal(map.get('kafka_dlt-original-offset')),
      timestamp: binaryOrDecimal(map.get('kafka_dlt-original-timestamp')),
      consumer: text('kafka_dlt-original-consumer-group'),
      message: text('kafka_dlt-exception-message'),
      exceptionClass: text('kafka_dlt-exception-fqcn'),
      reason: text('kafka_dlt-exception-cause-fqcn'),
    });
  }
  const scsTopic = text('x-original-topic');
  if (scsTopic !== undefined) {
    return clean({
      source: 'spring-cloud-stream',
      topic: scsTopic,
      partition: binaryOrDecimal(map.get('x-original-partition')),
      offset: binaryOrDecimal(map.get('x-original-offset')),
      timestamp: binaryOrDecimal(map.get('x-original-timestamp')),
      message: text('x-exception-message'),
      exceptionClass: text('x-exception-fqcn'),
    });
  }
  const connectTopic = text('__connect.errors.topic');
  if (connectTopic !== undefined) {
    return clean({
      source: 'kafka-connect',
      topic: connectTopic,
      partition: dec('__connect.errors.partition'),
      offset: dec('__connect.errors.offset'),
      consumer: text('__connect.errors.connector.name'),
      reason: text('__connect.errors.stage'),
      message: text('__connect.errors.exception.message'),
      exceptionClass: text('__connect.errors.exception.class.name'),
    });
  }
  return undefined;
}

function decimal(s: string | undefined): number | undefined {
  if (s === undefined || !/^-?\d{1,16}$/.test(s.trim())) return undefined;
  return Number(s.trim());
}

/** Spring writes int headers as 4 bytes and long headers as 8 bytes, big-endian; older or
 * hand-written producers sometimes write text. Binary wins for exactly 4 or 8 bytes. */
function binaryOrDecimal(v: Buffer | null | undefined): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (v.length === 4) return v.readInt32BE(0);
  if (v.length === 8) {
    const n = v.readBigInt64BE(0);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
  }
  return decimal(v.toString('utf8'));
}

function clean(p: DeadLetterProvenance): DeadLetterProvenance {
  for (const k of Object.keys(p) as (keyof DeadLetterProvenance)[]) if (p[k] === undefined) delete p[k];
  return p;
}
