/** Shapes shared by every area of the connector interface. */
import { z } from 'zod';

/** One page of a list. `total` counts every item matching the search, not only this page. */
export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
  /** Offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

export const MAX_PAGE_SIZE = 500;

export const pageQuerySchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  /** Case-insensitive substring of the name. */
  search: z.string().max(249).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
});

/** Whether one operation works on this backend; when not, `reason` is what the UI shows. An
 * operation that works on some topics only (RabbitMQ browse: streams) is supported with `limits`
 * saying where, and a request outside them is refused with UNSUPPORTED. */
export type Capability = { supported: true; limits?: string } | { supported: false; reason: string };

export const SUPPORTED: Capability = Object.freeze({ supported: true });

export function unsupported(reason: string): Capability {
  return { supported: false, reason };
}

/** Kafka compression codecs, also what the built-in broker stores. */
export const compressionSchema = z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
export type Compression = z.infer<typeof compressionSchema>;
