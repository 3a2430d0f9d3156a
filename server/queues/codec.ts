/**
 * Messages between JSON (the HTTP API) and the queue engine's bytes. Keys and header values are
 * text; values are text, base64 or any JSON value, as the caller says. Received values come back
 * as text when they are valid UTF-8 (or when asked), else base64, with the encoding named, so a
 * binary payload never arrives mangled.
 */
import { TextDecoder } from 'node:util';
import { BATCH_MEDIA_TYPE, decodePublishBatch } from '../../broker/client/batch-format.js';
import type { PublishMessage, ReceivedMessage } from '../../broker/queues/index.js';
import { HttpError } from '../api/errors.js';
import { PUBLISH_LIMITS, type PublishMessageBody } from './schemas.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Data-plane answers (publish, receive, ack) are sent uncompressed: `no-transform` keeps Next's
 * gzip off them. Gzipping every 180 KB answer of a 500-message receive costs server (and client)
 * CPU at message rate to save bytes on what is usually a local or LAN hop (docs/benchmarks.md).
 */
export function skipCompression(responseHeaders: Headers): void {
  responseHeaders.set('Cache-Control', 'no-store, no-transform');
}

export function toPublishMessage(m: PublishMessageBody, index: number): PublishMessage {
  let value: Buffer | string | null;
  const encoding = m.encoding ?? 'utf8';
  if (encoding === 'json') {
    value = JSON.stringify(m.value === undefined ? null : m.value);
  } else if (m.value === null || m.value === undefined) {
    value = null;
  } else if (encoding === 'base64') {
    const text = m.value as string;
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
      throw new HttpError(422, 'validation', `messages[${index}].value is not base64`, { issues: [{ path: `messages.${index}.value`, message: 'not base64', code: 'invalid_string' }] });
    }
    value = Buffer.from(text, 'base64');
  } else {
    value = m.value as string;
  }
  const out: PublishMessage = { value, key: m.key ?? null };
  if (m.headers) out.headers = m.headers;
  return withOptions(out, m);
}

type PublishOptions = Pick<PublishMessage, 'partition' | 'delayMs' | 'deliverAt' | 'ttlMs' | 'idempotencyKey'>;

/** Copies the options a message was given (absent ones stay absent, as the engine expects). */
function withOptions(out: PublishMessage, m: PublishOptions): PublishMessage {
  if (m.partition !== undefined) out.partition = m.partition;
  if (m.delayMs !== undefined) out.delayMs = m.delayMs;
  if (m.deliverAt !== undefined) out.deliverAt = m.deliverAt;
  if (m.ttlMs !== undefined) out.ttlMs = m.ttlMs;
  if (m.idempotencyKey !== undefined) out.idempotencyKey = m.idempotencyKey;
  return out;
}

function asText(b: Buffer): string | undefined {
  try {
    return strictUtf8.decode(b);
  } catch {
    return undefined;
  }
}

export function fromReceivedMessage(m: ReceivedMessage, encoding: 'auto' | 'utf8' | 'base64') {
  let value: string | null = null;
  let used: 'utf8' | 'base64' = 'utf8';
  if (m.value) {
    const text = encoding === 'base64' ? undefined : asText(m.value);
    if (text === undefined || encoding === 'base64') {
      value = m.value.toString('base64');
      used = 'base64';
    } else {
      value = text;
    }
  }
  const headers: Record<string, string> = {};
  for (const h of m.headers) headers[h.key] = h.value ? (asText(h.value) ?? h.value.toString('base64')) : '';
  return {
    receipt: m.receipt,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    attempt: m.attempt,
    leaseExpiresAt: m.leaseExpiresAt,
    key: m.key ? (asText(m.key) ?? m.key.toString('base64')) : null,
    value,
    encoding: used,
    headers,
  };
}

/** The publish body as the handler sees it: JSON (validated by zod) or a decoded binary batch. */
export type PublishBody = { messages: PublishMessageBody[] } | { binary: PublishMessage[] };

/**
 * A binary publish batch (broker/client/batch-format.ts) into engine messages, with the same
 * limits as the JSON body's zod schema (schemas.ts) and errors in the same shape: 400 when the
 * bytes are not a batch, 422 naming the field otherwise.
 */
export function decodeBinaryPublish(bytes: Buffer): PublishBody {
  let decoded;
  try {
    decoded = decodePublishBatch(bytes);
  } catch (err) {
    throw new HttpError(400, 'malformed_body', `the request body is not a ${BATCH_MEDIA_TYPE} publish batch: ${(err as Error).message}`);
  }
  const invalid = (path: string, message: string) =>
    new HttpError(422, 'validation', `invalid body: ${path}: ${message}`, { in: 'body', issues: [{ path, message, code: 'invalid_value' }] });
  if (decoded.length < 1 || decoded.length > PUBLISH_LIMITS.messages) throw invalid('messages', `a batch holds 1 to ${PUBLISH_LIMITS.messages} messages, not ${decoded.length}`);
  const nonNegative = (i: number, field: string, v: number | undefined, min = 0) => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < min)) throw invalid(`messages.${i}.${field}`, `must be an integer >= ${min}, not ${v}`);
  };
  return {
    binary: decoded.map((m, i) => {
      for (const name of Object.keys(m.headers)) {
        if (name.length < 1 || name.length > PUBLISH_LIMITS.headerName) throw invalid(`messages.${i}.headers`, `header names are 1-${PUBLISH_LIMITS.headerName} characters, not ${name.length}`);
      }
      nonNegative(i, 'delayMs', m.delayMs);
      nonNegative(i, 'deliverAt', m.deliverAt);
      nonNegative(i, 'ttlMs', m.ttlMs, 1);
      if (m.delayMs !== undefined && m.deliverAt !== undefined) throw invalid(`messages.${i}.deliverAt`, 'give delayMs or deliverAt, not both');
      if (m.idempotencyKey !== undefined && (m.idempotencyKey.length < 1 || m.idempotencyKey.length > PUBLISH_LIMITS.idempotencyKey)) {
        throw invalid(`messages.${i}.idempotencyKey`, `must be 1-${PUBLISH_LIMITS.idempotencyKey} characters`);
      }
      return withOptions({ key: m.key, value: m.value, headers: m.headers }, m);
    }),
  };
}
