/**
 * The one error shape of the HTTP API, `{ error: { code, message, details? } }`, and how typed
 * errors map onto statuses. Anything not listed here is a 500 whose message says nothing
 * internal (the full error goes to the server log).
 */
import { ConnectorError } from '../../broker/control/connectors/errors.js';
import { z } from 'zod';
import { SluiceError } from '../../broker/errors.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** An error that already knows its HTTP status and API code. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(status: number, code: string, message: string, details?: unknown, headers: HeadersInit = {}): Response {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  const merged = new Headers(headers);
  merged.set('Cache-Control', 'no-store');
  return Response.json(body, { status, headers: merged });
}

/** Zod issues as the API lists them: a dotted path and a message each. */
export function zodIssues(err: z.ZodError): { path: string; message: string; code: string }[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
}

const SLUICE_STATUS: Record<string, number> = {
  AUTH_FAILED: 401,
  FORBIDDEN: 403,
  LAST_ADMIN: 409,
  MESSAGE_SETTLED: 409,
  STALE_RECEIPT: 409,
  BACKLOG_FULL: 429,
  ACCOUNT_LOCKED: 429,
  RATE_LIMITED: 429,
  INVALID_BATCH: 400,
  CORRUPT_BATCH: 400,
  BATCH_TOO_LARGE: 413,
  STORE_CLOSED: 503,
  QUEUE_STATE_FAILED: 503,
  // The server's own key is unusable: an operator must fix the configuration, not the caller.
  INVALID_SECRET_KEY: 503,
};

/** The HTTP status for a SluiceError code; naming conventions cover codes added later. */
export function statusForSluiceCode(code: string): number {
  const fixed = SLUICE_STATUS[code];
  if (fixed) return fixed;
  if (code.startsWith('UNKNOWN_')) return 404;
  if (code.endsWith('_EXISTS') || code.endsWith('_CONFLICT')) return 409;
  if (code.includes('UNREACHABLE') || code.includes('UPSTREAM') || code.startsWith('CONNECTOR_')) return 502;
  if (code.startsWith('INVALID_') || code.startsWith('UNSUPPORTED_') || code === 'WEAK_PASSWORD' || code === 'OFFSET_OUT_OF_RANGE') {
    return 422;
  }
  return 500;
}

export interface MappedError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers: Record<string, string>;
  /** True when the server, not the caller, is at fault: worth logging with a stack. */
  internal: boolean;
}

export function mapError(err: unknown): MappedError {
  if (err instanceof HttpError) {
    return { status: err.status, code: err.code, message: err.message, details: err.details, headers: err.headers, internal: false };
  }
  if (err instanceof ConnectorError) {
    // Carries its own status (NOT_FOUND 404, CONFLICT 409, INVALID 422, UNSUPPORTED 501,
    // UNAVAILABLE 502) and always names the cluster it came from.
    return { status: err.status, code: err.code.toLowerCase(), message: err.message, details: { cluster: err.cluster, ...err.details }, headers: {}, internal: err.status >= 500 && err.status !== 502 && err.status !== 501 };
  }
  if (err instanceof z.ZodError) {
    return { status: 422, code: 'validation', message: 'the request is not valid', details: { issues: zodIssues(err) }, headers: {}, internal: false };
  }
  if (err instanceof SluiceError) {
    const status = statusForSluiceCode(err.code);
    const retry: Record<string, string> =
      typeof err.details.retryAfterSeconds === 'number' ? { 'Retry-After': String(err.details.retryAfterSeconds) } : {};
    if (status === 500) return { status, code: 'internal', message: 'internal error', headers: {}, internal: true };
    const details = Object.keys(err.details).length > 0 ? err.details : undefined;
    return { status, code: err.code.toLowerCase(), message: err.message, details, headers: retry, internal: status >= 500 && status !== 502 };
  }
  return { status: 500, code: 'internal', message: 'internal error', headers: {}, internal: true };
}
