/**
 * The queue layer's public shapes. The HTTP API and the TS client map these one to one, so they
 * stay plain data (numbers, strings, Buffers) with no classes.
 */
import type { Bytes } from '../records/encoder.js';

export interface BackoffConfig {
  /** Delay before the first redelivery. */
  baseMs: number;
  /** Each further failure multiplies the delay by this. */
  factor: number;
  /** Upper bound of the delay. */
  capMs: number;
  /** 0..1: the share of the delay that is randomised (0 = exact, 1 = full jitter). */
  jitter: number;
}

export interface SubscriptionConfig {
  /** Deliveries (first one included) before a message is dead-lettered. */
  maxAttempts: number;
  /** Lease used when receive does not name one. */
  defaultLeaseMs: number;
  backoff: BackoffConfig;
  /** Where dead letters go; created on subscription create when missing. */
  deadLetterTopic: string;
  /** 'key': the next message with a key is not leased while an earlier one with the same key is
   * leased or waiting for redelivery; other keys keep flowing. */
  ordering: 'none' | 'key';
}

export interface SubscriptionInfo {
  topic: string;
  name: string;
  config: SubscriptionConfig;
  createdAt: number;
}

export interface SubscriptionCounts {
  /** Messages not yet acked, dead-lettered or archived (in flight and delayed included). */
  depth: number;
  inFlight: number;
  /** Waiting for a redelivery time. */
  delayed: number;
  acked: number;
  deadLettered: number;
  expired: number;
}

export interface SubscriptionDescription extends SubscriptionInfo {
  counts: SubscriptionCounts;
  /** Per partition: every offset below `cursor` is settled. */
  partitions: Array<{ partition: number; cursor: number; logEndOffset: number; settledAbove: number }>;
}

export interface PublishMessage {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, Bytes>;
  /** Omitted: by key hash, or round robin for keyless messages. */
  partition?: number;
  /** Not leased to subscriptions before this time (ms since the epoch). */
  deliverAt?: number;
  /** Not leased to subscriptions before `delayMs` from now. At most one of deliverAt/delayMs. */
  delayMs?: number;
  /** Archived as expired if not leased within this many ms (see ttl.ts). */
  ttlMs?: number;
  /** A second publish with this key to the same topic within the window appends nothing and
   * returns this message's position (see idempotency.ts). */
  idempotencyKey?: string;
}

export interface PublishResult {
  partition: number;
  offset: number;
}

export interface ReceiveOptions {
  /** Most messages to lease, 1..1000. Default 1. */
  max?: number;
  /** Lease (visibility timeout); default the subscription's defaultLeaseMs. */
  leaseMs?: number;
  /** Long poll: wait up to this long for a first message. Default 0. */
  waitMs?: number;
  /** Receipts to ack in the same call, all or none as `ack` does: a consumer's acks of its last
   * batch ride on its next receive instead of costing a call (and a journal write) of their own.
   * Checked and applied before anything is leased; a bad receipt fails the call and leases nothing. */
  ack?: readonly string[];
}

export interface ReceivedMessage {
  /** Hand back to ack, nack or extend. Valid while this lease lasts. */
  receipt: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{ key: string; value: Buffer | null }>;
  /** 1 on first delivery. */
  attempt: number;
  leaseExpiresAt: number;
}

export interface NackOptions {
  /** Why processing failed; recorded as the last error and copied into a dead letter. */
  reason?: string;
}

export const LIMITS = {
  maxReceive: 1000,
  minLeaseMs: 10,
  maxLeaseMs: 12 * 60 * 60 * 1000,
  maxWaitMs: 60_000,
  maxReasonChars: 4096,
  maxDelayMs: 90 * 24 * 60 * 60 * 1000,
  maxTtlMs: 365 * 24 * 60 * 60 * 1000,
} as const;
