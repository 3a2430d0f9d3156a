/** Messages: browse, search (with a scan budget) and produce. */
import { z } from 'zod';
import { compressionSchema, type Compression } from './common.js';

export const MAX_BROWSE_LIMIT = 500;

/** Where a read starts in every selected partition. `newest` returns the last `limit` messages. */
export const startPositionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('newest') }),
  z.object({ kind: z.literal('oldest') }),
  z.object({ kind: z.literal('offset'), offset: z.number().int().min(0) }),
  /** The first message whose timestamp is >= this (epoch ms). */
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0) }),
  /** Exact per-partition offsets, e.g. a previous result's `nextOffsets`. */
  z.object({ kind: z.literal('offsets'), offsets: z.record(z.string().regex(/^\d+$/), z.number().int().min(0)) }),
]);
export type StartPosition = z.output<typeof startPositionSchema>;

const renderOptions = {
  /** Bytes of each key/value/header rendered; longer ones are cut and marked truncated. */
  maxValueBytes: z.number().int().min(16).max(1024 * 1024).default(64 * 1024),
};

export const browseQuerySchema = z.object({
  topic: z.string().min(1),
  /** Default: every partition. */
  partitions: z.array(z.number().int().min(0)).min(1).optional(),
  from: startPositionSchema.default({ kind: 'newest' }),
  limit: z.number().int().min(1).max(MAX_BROWSE_LIMIT).default(50),
  ...renderOptions,
});
export type BrowseQuery = z.input<typeof browseQuerySchema>;

/** How a text is compared. JSON path: `$.a.b[0]` (dot and index steps); without `equals` the
 * filter matches when the path exists. */
export const matcherSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('contains'), text: z.string().min(1), caseSensitive: z.boolean().default(false) }),
  z.object({ kind: z.literal('regex'), pattern: z.string().min(1).max(1000), flags: z.string().regex(/^[imsu]*$/).default('') }),
  z.object({ kind: z.literal('jsonPath'), path: z.string().min(1).max(500), equals: z.unknown().optional() }),
]);
export type Matcher = z.input<typeof matcherSchema>;
export type ParsedMatcher = z.output<typeof matcherSchema>;

export const messageFilterSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('key'), match: matcherSchema }),
  z.object({ field: z.literal('value'), match: matcherSchema }),
  /** Without `header`, any header value may match. */
  z.object({ field: z.literal('header'), header: z.string().min(1).optional(), match: matcherSchema }),
]);
export type MessageFilter = z.input<typeof messageFilterSchema>;
export type ParsedMessageFilter = z.output<typeof messageFilterSchema>;

export const DEFAULT_SCAN_BUDGET = { maxMessages: 10_000, maxBytes: 64 * 1024 * 1024, maxMs: 10_000 } as const;

export const searchQuerySchema = z.object({
  topic: z.string().min(1),
  partitions: z.array(z.number().int().min(0)).min(1).optional(),
  from: startPositionSchema.default({ kind: 'oldest' }),
  /** Every filter must match. */
  filters: z.array(messageFilterSchema).min(1).max(10),
  /** Stop after this many matches. */
  limit: z.number().int().min(1).max(MAX_BROWSE_LIMIT).default(50),
  /** The search never reads more than this; the result says how far it got. */
  budget: z
    .object({
      maxMessages: z.number().int().min(1).max(5_000_000).default(DEFAULT_SCAN_BUDGET.maxMessages),
      maxBytes: z.number().int().min(1024).max(4 * 1024 * 1024 * 1024).default(DEFAULT_SCAN_BUDGET.maxBytes),
      maxMs: z.number().int().min(1).max(120_000).default(DEFAULT_SCAN_BUDGET.maxMs),
    })
    .default(DEFAULT_SCAN_BUDGET),
  ...renderOptions,
});
export type SearchQuery = z.input<typeof searchQuerySchema>;

const payloadEncoding = z.enum(['text', 'json', 'base64']);

export const produceRequestSchema = z.object({
  topic: z.string().min(1),
  /** Omitted: chosen from the key (Kafka's murmur2 partitioner), or spread when there is no key. */
  partition: z.number().int().min(0).optional(),
  key: z.string().nullable().default(null),
  keyEncoding: payloadEncoding.default('text'),
  value: z.string().nullable(),
  valueEncoding: payloadEncoding.default('text'),
  headers: z.array(z.object({ key: z.string().min(1), value: z.string().nullable() })).max(100).default([]),
  /** Epoch ms; default now. */
  timestamp: z.number().int().min(0).optional(),
  compression: compressionSchema.default('none'),
});
export type ProduceRequest = z.input<typeof produceRequestSchema>;

export interface ProduceResult {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** How a payload was shown: `json` (parsed, `json` holds the value), `text` (UTF-8), or `base64`
 * (binary). */
export type RenderedEncoding = 'json' | 'text' | 'base64';

export interface RenderedPayload {
  encoding: RenderedEncoding;
  /** The text, the JSON source text, or base64 of the (possibly truncated) bytes. */
  data: string;
  /** The parsed value when `encoding` is json. */
  json?: unknown;
  sizeBytes: number;
  truncated: boolean;
}

export interface MessageView {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime';
  key: RenderedPayload | null;
  value: RenderedPayload | null;
  headers: { key: string; value: RenderedPayload | null }[];
  /** Codec of the batch the message was stored in (shown decompressed). */
  compression: Compression;
}

export interface PartitionCursor {
  partition: number;
  low: number;
  high: number;
  /** Where a forward read continues (after the last message returned from this partition). */
  nextOffset: number;
}

export interface BrowseResult {
  messages: MessageView[];
  partitions: PartitionCursor[];
  /** Same as `partitions`, keyed for a `{ kind: 'offsets' }` start position. */
  nextOffsets: Record<string, number>;
}

export type SearchStop = 'limit' | 'budget-messages' | 'budget-bytes' | 'budget-time' | 'end';

export interface SearchResult {
  matches: MessageView[];
  /** Messages and bytes read. */
  scanned: number;
  scannedBytes: number;
  stoppedBy: SearchStop;
  /** Where the search stopped in each partition: pass back as `{ kind: 'offsets' }` to go on. */
  nextOffsets: Record<string, number>;
  partitions: PartitionCursor[];
}
