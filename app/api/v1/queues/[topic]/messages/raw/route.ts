import { z } from 'zod';
import type { PublishMessage } from '../../../../../../../broker/queues/index.js';
import { HttpError } from '../../../../../../../server/api/errors.js';
import { route } from '../../../../../../../server/api/route.js';
import { queueEngine } from '../../../../../../../server/queues/engine.js';
import { publishResponseSchema, topicParams } from '../../../../../../../server/queues/schemas.js';

export const dynamic = 'force-dynamic';

const MAX_BYTES = 10 * 1024 * 1024;
const optionalInt = z.coerce.number().int().min(0).optional();
const rawQuery = z.object({
  key: z.string().optional(),
  partition: optionalInt,
  delayMs: optionalInt,
  deliverAt: optionalInt,
  ttlMs: z.coerce.number().int().min(1).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

const HEADER_PREFIX = 'x-sluice-header-';

/**
 * POST /api/v1/queues/{topic}/messages/raw: publish ONE message whose value is the request body,
 * byte for byte (any content type). Key and options come from the query; message headers from
 * `X-Sluice-Header-<name>` request headers.
 */
export const POST = route({
  summary: 'Publish one message whose value is the raw request body',
  role: 'operator',
  params: topicParams,
  query: rawQuery,
  response: publishResponseSchema,
  audit: false,
  handler: async ({ params, query, request }) => {
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > MAX_BYTES) throw new HttpError(413, 'payload_too_large', `a raw message is at most ${MAX_BYTES} bytes`);
    const value = Buffer.from(await request.arrayBuffer());
    if (value.length > MAX_BYTES) throw new HttpError(413, 'payload_too_large', `a raw message is at most ${MAX_BYTES} bytes`);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => {
      if (k.startsWith(HEADER_PREFIX) && k.length > HEADER_PREFIX.length) headers[k.slice(HEADER_PREFIX.length)] = v;
    });
    const message: PublishMessage = { value, key: query.key ?? null, headers };
    if (query.partition !== undefined) message.partition = query.partition;
    if (query.delayMs !== undefined) message.delayMs = query.delayMs;
    if (query.deliverAt !== undefined) message.deliverAt = query.deliverAt;
    if (query.ttlMs !== undefined) message.ttlMs = query.ttlMs;
    if (query.idempotencyKey !== undefined) message.idempotencyKey = query.idempotencyKey;
    return { results: await queueEngine().publish(params.topic, [message]) };
  },
});
