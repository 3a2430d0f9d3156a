/** Browse query (a GET, so flat query parameters) and message response schemas. */
import { z } from 'zod';
import {
  MAX_BROWSE_LIMIT,
  type BrowseResult,
  type MessageView,
  type PartitionCursor,
  type ProduceResult,
  type RenderedPayload,
  type SearchResult,
} from '../../../broker/control/connectors/index.js';

const offsetNumber = z.coerce.number().int().min(0);

export const browseQuery = z
  .object({
    /** Comma-separated partition numbers; default every partition. */
    partitions: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated partition numbers, e.g. 0,2')
      .optional(),
    /** newest: the last `limit` messages; oldest; offset (needs `offset`); timestamp (needs `timestamp`, epoch ms). */
    from: z.enum(['newest', 'oldest', 'offset', 'timestamp']).default('newest'),
    offset: offsetNumber.optional(),
    timestamp: offsetNumber.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_BROWSE_LIMIT).default(50),
    /** Bytes of each key/value/header rendered; longer ones are cut and marked truncated. */
    maxValueBytes: z.coerce.number().int().min(16).max(1024 * 1024).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from === 'offset' && q.offset === undefined) ctx.addIssue({ code: 'custom', path: ['offset'], message: 'from=offset needs offset=' });
    if (q.from === 'timestamp' && q.timestamp === undefined) ctx.addIssue({ code: 'custom', path: ['timestamp'], message: 'from=timestamp needs timestamp= (epoch ms)' });
  });
export type BrowseQueryParams = z.output<typeof browseQuery>;

const renderedPayloadSchema = z.object({
  encoding: z.enum(['json', 'text', 'base64']),
  data: z.string(),
  json: z.unknown().optional(),
  sizeBytes: z.number(),
  truncated: z.boolean(),
}) satisfies z.ZodType<RenderedPayload>;

export const messageViewSchema = z.object({
  topic: z.string(),
  partition: z.number(),
  offset: z.number(),
  timestamp: z.number(),
  timestampType: z.enum(['CreateTime', 'LogAppendTime']),
  key: renderedPayloadSchema.nullable(),
  value: renderedPayloadSchema.nullable(),
  headers: z.array(z.object({ key: z.string(), value: renderedPayloadSchema.nullable() })),
  compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']),
}) satisfies z.ZodType<MessageView>;

const partitionCursorSchema = z.object({
  partition: z.number(),
  low: z.number(),
  high: z.number(),
  nextOffset: z.number(),
}) satisfies z.ZodType<PartitionCursor>;

export const browseResultSchema = z.object({
  messages: z.array(messageViewSchema),
  partitions: z.array(partitionCursorSchema),
  nextOffsets: z.record(z.string(), z.number()),
}) satisfies z.ZodType<BrowseResult>;

export const searchResultSchema = z.object({
  matches: z.array(messageViewSchema),
  scanned: z.number(),
  scannedBytes: z.number(),
  stoppedBy: z.enum(['limit', 'budget-messages', 'budget-bytes', 'budget-time', 'end']),
  nextOffsets: z.record(z.string(), z.number()),
  partitions: z.array(partitionCursorSchema),
}) satisfies z.ZodType<SearchResult>;

export const produceResultSchema = z.object({
  topic: z.string(),
  partition: z.number(),
  offset: z.number(),
  timestamp: z.number(),
}) satisfies z.ZodType<ProduceResult>;
