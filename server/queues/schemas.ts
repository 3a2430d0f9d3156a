/**
 * The queue HTTP API's request and response shapes (zod), shared by the route handlers, the
 * OpenAPI document and the TypeScript client (broker/client/). The engine validates ranges again
 * (broker/queues); these schemas give HTTP callers precise 422s with field paths first.
 */
import { z } from 'zod';

/**
 * How a key, value or header travels in JSON: `utf8` text (the default), `base64` bytes, or
 * `json` (any JSON value, stored as its UTF-8 JSON text).
 */
export const encodingSchema = z.enum(['utf8', 'base64', 'json']);
export type Encoding = z.infer<typeof encodingSchema>;

const name = z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be 1-200 characters of A-Z a-z 0-9 . _ -');
export const topicParams = z.object({ topic: name });
export const subscriptionParams = z.object({ topic: name, subscription: name });

/** Publish limits, shared by the JSON schema below and the binary batch's checks (codec.ts). */
export const PUBLISH_LIMITS = { messages: 10_000, headerName: 200, idempotencyKey: 200 } as const;

export const publishMessageSchema = z
  .object({
    key: z.string().nullable().optional(),
    /** With encoding `json`, any JSON value; otherwise a string (or null for a tombstone). */
    value: z.unknown(),
    encoding: encodingSchema.default('utf8'),
    headers: z.record(z.string().min(1).max(PUBLISH_LIMITS.headerName), z.string()).optional(),
    partition: z.number().int().min(0).optional(),
    delayMs: z.number().int().min(0).optional(),
    deliverAt: z.number().int().min(0).optional(),
    ttlMs: z.number().int().min(1).optional(),
    idempotencyKey: z.string().min(1).max(PUBLISH_LIMITS.idempotencyKey).optional(),
  })
  .refine((m) => m.encoding === 'json' || m.value === null || typeof m.value === 'string', {
    message: 'value must be a string (or null) unless encoding is json',
    path: ['value'],
  })
  .refine((m) => m.delayMs === undefined || m.deliverAt === undefined, { message: 'give delayMs or deliverAt, not both', path: ['deliverAt'] });
export type PublishMessageBody = z.input<typeof publishMessageSchema>;

export const publishBodySchema = z.object({ messages: z.array(publishMessageSchema).min(1).max(PUBLISH_LIMITS.messages) });
export const publishResponseSchema = z.object({ results: z.array(z.object({ partition: z.number(), offset: z.number() })) });

/** Receipts one call may ack. */
const MAX_RECEIPTS = 1000;

/** Receipts as sent to ack, `min` to MAX_RECEIPTS strings. A plain predicate rather than
 * `z.array(z.string())`: a receive that carries a batch's acks holds hundreds, and zod's
 * per-element parse was ~4 % of the server's CPU in a consume (~75 µs per call of 250 in the
 * server's profile, where zod's shared internals see many schemas; the predicate takes ~1 µs in a
 * micro-benchmark). The broker still checks every receipt and names a bad one by index. `meta`
 * keeps the OpenAPI document's JSON Schema exact. */
const receiptList = (min: number) =>
  z
    .custom<string[]>((v) => Array.isArray(v) && v.length >= min && v.length <= MAX_RECEIPTS && v.every((r) => typeof r === 'string'), {
      message: `must be an array of ${min > 0 ? `${min} to ${MAX_RECEIPTS}` : `at most ${MAX_RECEIPTS}`} receipt strings`,
    })
    .meta({ type: 'array', items: { type: 'string' }, ...(min > 0 ? { minItems: min } : {}), maxItems: MAX_RECEIPTS });

export const receiveBodySchema = z.object({
  max: z.number().int().min(1).max(1000).default(1),
  leaseMs: z.number().int().min(10).max(12 * 3600_000).optional(),
  waitMs: z.number().int().min(0).max(60_000).default(0),
  /** How values are returned: utf8 text when valid UTF-8, else base64 (`auto`, the default). */
  encoding: z.enum(['auto', 'utf8', 'base64']).default('auto'),
  /** Receipts to ack first, all or none as POST /queues/ack does (a bad one fails the call and
   * nothing is leased): a consumer's acks of its last batch ride on its next receive. */
  ack: receiptList(0).optional(),
});

export const receivedMessageSchema = z.object({
  receipt: z.string(),
  topic: z.string(),
  partition: z.number(),
  offset: z.number(),
  timestamp: z.number(),
  attempt: z.number(),
  leaseExpiresAt: z.number(),
  key: z.string().nullable(),
  value: z.string().nullable(),
  encoding: z.enum(['utf8', 'base64']),
  headers: z.record(z.string(), z.string()),
});
export const receiveResponseSchema = z.object({ messages: z.array(receivedMessageSchema) });

export const ackBodySchema = z.object({ receipts: receiptList(1) });
/** A `text/plain` ack body: one receipt per line (blank lines and a final newline ignored). */
export const receiptLines = (text: string) => ({ receipts: text.split(/\r?\n/).filter((line) => line !== '') });
export const nackBodySchema = z.object({ receipt: z.string().min(1), reason: z.string().max(4096).optional() });
export const nackResponseSchema = z.object({ deadLettered: z.boolean(), redeliverAt: z.number().optional() });
export const extendBodySchema = z.object({ receipt: z.string().min(1), ms: z.number().int().min(10).max(12 * 3600_000) });

const backoffSchema = z
  .object({
    baseMs: z.number().int().min(0),
    factor: z.number().min(1).max(100),
    capMs: z.number().int().min(0),
    jitter: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export const subscriptionConfigSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(1000),
    defaultLeaseMs: z.number().int().min(10).max(12 * 3600_000),
    backoff: backoffSchema,
    deadLetterTopic: name,
    ordering: z.enum(['none', 'key']),
  })
  .partial()
  .strict();

export const createSubscriptionBodySchema = z.object({
  name,
  startAt: z.enum(['earliest', 'latest']).default('latest'),
  config: subscriptionConfigSchema.optional(),
});

export const topicSettingsBodySchema = z
  .object({
    /** Default time to live of the topic's messages; null removes it. */
    defaultTtlMs: z.number().int().min(1).nullable(),
    /** Most unsettled messages any subscription may hold; null removes the limit. */
    maxBacklog: z.number().int().min(1).nullable(),
    /** What a publish into a full backlog does: refuse it (429), or archive the oldest waiting messages. */
    backlogPolicy: z.enum(['reject', 'archive-oldest']),
    /** Archive messages a subscription has not settled before retention deletes them (default true). */
    archiveBeforeRetention: z.boolean(),
  })
  .partial()
  .strict();
export const topicSettingsResponseSchema = z.object({
  defaultTtlMs: z.number().nullable(),
  maxBacklog: z.number().nullable(),
  backlogPolicy: z.enum(['reject', 'archive-oldest']),
  archiveBeforeRetention: z.boolean(),
});

/** Transactional (half) messages: a publish body plus when and whom to ask if neither commit nor
 * rollback arrives (broker/queues/transactions.ts). */
export const prepareBodySchema = publishBodySchema.extend({
  checkBackUrl: z
    .string()
    .max(2048)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .optional(),
  timeoutMs: z.number().int().min(1).max(7 * 24 * 3600_000),
});
export const prepareResponseSchema = z.object({ transactionId: z.string() });
export const transactionParams = z.object({ id: z.string().min(1).max(100) });
export const transactionOutcomeSchema = z.object({
  transactionId: z.string(),
  state: z.enum(['committed', 'rolledback']),
  results: z.array(z.object({ partition: z.number(), offset: z.number() })).optional(),
});
export const pendingTransactionsQuery = z.object({ topic: name.optional() });
export const pendingTransactionsResponseSchema = z.object({
  items: z.array(
    z.object({
      transactionId: z.string(),
      topic: z.string(),
      state: z.enum(['pending', 'committing']),
      messages: z.number(),
      createdAt: z.number(),
      ageMs: z.number(),
      deadline: z.number(),
      checkBackAttempts: z.number(),
      checkBackUrl: z.string().optional(),
    }),
  ),
});
