/**
 * THE route wrapper: every route handler under app/api is `export const METHOD = route({...})`.
 * In order, it
 *   1. authenticates (bearer token, else session cookie)           → 401 unauthenticated
 *   2. checks the role                                              → 403 forbidden
 *   3. on writes, checks CSRF (session writes: token + provenance;   → 403 csrf
 *      public writes such as sign-in: provenance only)
 *   4. parses params, query and body with zod                        → 400 malformed_json / 422 validation
 *   5. runs the handler; typed errors map to 404/409/429/502… (errors.ts)
 *   6. records an audit event for every write: success, failure or denied
 * and answers with one error shape everywhere. The definition stays attached to the handler
 * (`.definition`) for the OpenAPI document.
 */
import { z } from 'zod';
import { createLogger } from '../../broker/logger.js';
import { getAuthConfig, type AuthConfig } from '../auth/config.js';
import { clientInfo, type ClientInfo } from '../auth/client-info.js';
import { crossSiteProblem, csrfProblem, isSafeMethod } from '../auth/csrf.js';
import { actorName, authenticate, type Principal } from '../auth/principal.js';
import { roleAtLeast, type Role } from '../auth/roles.js';
import { recordAudit, type AuditOutcome } from '../audit/record.js';
import { getDb, type Db } from '../db/client.js';
import { observeHttpRequest } from '../metrics/http.js';
import { isDataPlaneRequest, PlainResponse } from '../data-plane/exchange.js';
import { errorResponse, HttpError, mapError, zodIssues } from './errors.js';

const log = createLogger('api');

export type Access = Role | 'public';

export interface RouteContext<A extends Access, P, Q, B> {
  request: Request;
  params: P;
  query: Q;
  body: B;
  /** Always present unless the route is public. */
  principal: A extends 'public' ? Principal | null : Principal;
  db: Db;
  config: AuthConfig;
  client: ClientInfo;
  /** Added to the response, whatever the handler returns (e.g. Set-Cookie). */
  responseHeaders: Headers;
}

export interface RouteSpec<A extends Access, P, Q, B> {
  summary: string;
  role: A;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** The success body, for the OpenAPI document only. */
  response?: z.ZodType;
  /**
   * Other media types than JSON, for the OpenAPI document: request bodies the route also takes
   * (with `textBody` below) and answers it gives when asked with `Accept`, each with its meaning.
   */
  mediaTypes?: { request?: Record<string, string>; response?: Record<string, string> };
  /**
   * Turns a `text/plain` request body into the shape `body` validates, for data-plane calls whose
   * input is a list (acks: one receipt per line), so a client need not build JSON at message rate.
   */
  textBody?: (text: string) => unknown;
  /**
   * A binary request body the route also takes (`Content-Type` starting with `mediaType`): decoded
   * and validated by `decode` (it throws HttpError 400/422 itself) into the handler's body, instead
   * of JSON + zod. For data-plane publishes, whose values would otherwise travel as base64.
   */
  binaryBody?: { mediaType: string; decode: (bytes: Buffer) => B };
  /**
   * Whether a session whose user must change their password may use this route (the password
   * change itself, sign-out, who-am-I). Everything else answers 403 password_change_required.
   */
  allowPendingPasswordChange?: boolean;
  /**
   * A POST that only reads, because its input is too structured for a query string (message
   * search). It changes nothing, so its role may be viewer; it is still CSRF-checked and audited like
   * every POST. Each such route is on the reviewed list in test/app/authorization.test.ts.
   */
  readOnly?: true;
  /** Success status for plain return values (default 200; 204 when the handler returns undefined). */
  status?: number;
  /**
   * Writes are audited unless this is `false`: only for data-plane calls an application makes at
   * message rate (queue publish, receive, ack), where an audit row per call would drown the log
   * and the database. Console and admin actions are always audited.
   */
  audit?: false | {
    action: string;
    target?: (ctx: RouteContext<A, P, Q, B>) => string;
    /** Who to record when there is no principal (public writes such as sign-in). */
    actor?: (ctx: RouteContext<A, P, Q, B>) => string;
  };
  handler: (ctx: RouteContext<A, P, Q, B>) => Promise<unknown>;
}

export type RouteDefinition = Omit<RouteSpec<Access, unknown, unknown, unknown>, 'handler' | 'audit' | 'textBody' | 'binaryBody'> & { auditAction?: string };

/** What Next.js passes as the second argument to a route handler. */
export interface NextRouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

export type RouteHandler = ((request: Request, context: NextRouteContext) => Promise<Response>) & { definition: RouteDefinition };

class Denied extends HttpError {}

/** What a handler returns for a non-JSON answer (a binary batch): the wrapper adds its headers. */
export class BytesBody {
  constructor(
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
}

/**
 * The success answer. To the data-plane listener it is a PlainResponse (no web streams,
 * server/data-plane/exchange.ts), which the listener writes as is; the RouteHandler type still says
 * Response because Next.js, the other caller, only ever gets real ones.
 */
function success(request: Request, status: number, headers: Headers, body: Buffer | string, contentType: string): Response {
  headers.set('content-type', contentType);
  if (isDataPlaneRequest(request)) return new PlainResponse(status, headers, typeof body === 'string' ? Buffer.from(body) : body) as unknown as Response;
  return new Response(typeof body === 'string' ? body : new Uint8Array(body.buffer, body.byteOffset, body.length) as Uint8Array<ArrayBuffer>, { status, headers });
}

function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(422, 'validation', `invalid ${where}`, { in: where, issues: zodIssues(parsed.error) });
}

async function readBody(request: Request, textBody: ((text: string) => unknown) | undefined): Promise<unknown> {
  const text = await request.text();
  if (textBody && request.headers.get('content-type')?.startsWith('text/plain')) return textBody(text);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'malformed_json', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Distinct paths remembered per route for their metric label; past this the memo starts over. */
const PATTERN_MEMO_SIZE = 512;

export function route<A extends Access, P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<A, P, Q, B>): RouteHandler {
  // The path decides the pattern within one route, and data-plane calls repeat a few paths at
  // message rate: working the pattern out again per call was a visible share of a call's CPU.
  const patterns = new Map<string, string>();
  const patternOf = (pathname: string, params: Record<string, string | string[] | undefined>): string => {
    let pattern = patterns.get(pathname);
    if (pattern === undefined) {
      if (patterns.size >= PATTERN_MEMO_SIZE) patterns.clear();
      patterns.set(pathname, (pattern = routePattern(pathname, params)));
    }
    return pattern;
  };
  const handler = async (request: Request, context: NextRouteContext): Promise<Response> => {
    const started = performance.now();
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const write = !isSafeMethod(method);
    const db = getDb();
    const config = getAuthConfig();
    const client = clientInfo(request.headers, config.trustProxy);
    const responseHeaders = new Headers({ 'Cache-Control': 'no-store' });
    const ctx = { request, db, config, client, responseHeaders, principal: null } as unknown as RouteContext<A, P, Q, B>;
    const auditParams: Record<string, unknown> = {};
    let response: Response;
    let outcome: AuditOutcome = 'success';
    let auditError: string | null = null;
    let inputParsed = false;
    // Read before anything can fail, so even a 401 is labelled with the route pattern.
    const rawParamsSeen: Record<string, string | string[] | undefined> = (await Promise.resolve(context?.params).catch(() => undefined)) ?? {};
    try {
      const auth = await authenticate(db, config, request.headers);
      if (spec.role !== 'public') {
        if (!auth.principal) throw new HttpError(401, 'unauthenticated', auth.reason);
        if (!roleAtLeast(auth.principal.role, spec.role)) {
          (ctx as { principal: Principal }).principal = auth.principal;
          throw new Denied(403, 'forbidden', `this needs the ${spec.role} role; you are ${auth.principal.role}`);
        }
      }
      (ctx as { principal: Principal | null }).principal = auth.principal;
      const isPublic = spec.role === 'public';
      if (!isPublic && auth.principal?.kind === 'session' && auth.principal.session.mustChangePassword && !spec.allowPendingPasswordChange) {
        throw new Denied(403, 'password_change_required', 'change your password first (POST /api/v1/auth/password)');
      }
      if (write && auth.principal?.kind !== 'token') {
        // Public writes (sign-in) do not act as the session, so its token is not asked for there.
        const problem =
          !isPublic && auth.principal?.kind === 'session'
            ? csrfProblem(request, auth.principal.session.csrfToken, config.trustProxy)
            : crossSiteProblem(request, config.trustProxy);
        if (problem) throw new Denied(403, 'csrf', problem);
      }
      const rawParams = rawParamsSeen;
      auditParams.params = rawParams;
      ctx.params = parseWith(spec.params, rawParams, 'path parameters');
      const rawQuery = Object.fromEntries(url.searchParams);
      if (Object.keys(rawQuery).length > 0) auditParams.query = rawQuery;
      ctx.query = parseWith(spec.query, rawQuery, 'query');
      const binary = spec.binaryBody && request.headers.get('content-type')?.startsWith(spec.binaryBody.mediaType) ? spec.binaryBody : undefined;
      if (binary) {
        const bytes = Buffer.from(await request.arrayBuffer());
        auditParams.body = `(${bytes.length} bytes of ${binary.mediaType})`;
        ctx.body = binary.decode(bytes);
      } else if (spec.body) {
        const rawBody = await readBody(request, spec.textBody);
        auditParams.body = rawBody;
        ctx.body = parseWith(spec.body, rawBody, 'body');
      }
      inputParsed = true;
      const result = await spec.handler(ctx);
      if (result instanceof Response) {
        response = result;
        responseHeaders.forEach((value, key) => {
          if (key === 'set-cookie' || !response.headers.has(key)) response.headers.append(key, value);
        });
      } else if (result === undefined) {
        response = new Response(null, { status: 204, headers: responseHeaders });
      } else if (result instanceof BytesBody) {
        response = success(request, spec.status ?? 200, responseHeaders, result.bytes, result.contentType);
      } else {
        response = success(request, spec.status ?? 200, responseHeaders, JSON.stringify(result), 'application/json');
      }
    } catch (err) {
      const mapped = mapError(err);
      if (mapped.internal) log.error('request failed', { method, url: request.url, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      outcome = err instanceof Denied ? 'denied' : 'failure';
      auditError = mapped.message;
      const headers = new Headers(mapped.headers);
      responseHeaders.forEach((value, key) => (key === 'set-cookie' ? headers.append(key, value) : headers.set(key, value)));
      response = errorResponse(mapped.status, mapped.code, mapped.message, mapped.details, headers);
    }
    // Anonymous writes are not audited unless the route names an actor (sign-in): otherwise
    // anyone could fill the log with 401s.
    if (write && spec.audit !== false && (ctx.principal || spec.audit?.actor)) {
      await audit(spec, ctx, method, auditParams, outcome, auditError, inputParsed);
    }
    observeHttpRequest(patternOf(url.pathname, rawParamsSeen), method, response.status, (performance.now() - started) / 1000);
    return response;
  };
  const { handler: _h, audit: auditSpec, textBody: _t, binaryBody: _b, ...definition } = spec;
  return Object.assign(handler, { definition: { ...definition, auditAction: auditSpec ? auditSpec.action : undefined } as RouteDefinition });
}

/**
 * The App Router pattern of a request's path (`/api/v1/users/[username]`), for metric labels: the
 * segments that hold a dynamic parameter's value are put back as `[name]`, so one route is one
 * series however many users, topics or groups are addressed through it.
 */
export function routePattern(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const byValue = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) byValue.set(v, name);
  }
  if (byValue.size === 0) return pathname;
  return pathname
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // not percent-encoded as it should be; compare as is
      }
      const name = byValue.get(decoded);
      return name ? `[${name}]` : segment;
    })
    .join('/');
}

async function audit<A extends Access, P, Q, B>(
  spec: RouteSpec<A, P, Q, B>,
  ctx: RouteContext<A, P, Q, B>,
  method: string,
  params: Record<string, unknown>,
  outcome: AuditOutcome,
  error: string | null,
  inputParsed: boolean,
): Promise<void> {
  const principal = ctx.principal as Principal | null;
  const how = spec.audit === false ? undefined : spec.audit;
  let target = new URL(ctx.request.url).pathname;
  let actor = principal ? actorName(principal) : 'anonymous';
  try {
    if (how?.target && inputParsed) target = how.target(ctx);
    if (!principal && how?.actor && inputParsed) actor = how.actor(ctx);
  } catch {
    // A target or actor function that throws must not lose the audit row: keep the defaults.
  }
  try {
    await recordAudit(ctx.db, {
      actor,
      actorRole: principal?.role ?? null,
      action: how?.action ?? `http.${method.toLowerCase()}`,
      target,
      params,
      outcome,
      error,
      ip: ctx.client.ip,
    });
  } catch (err) {
    // The action already happened (or failed); losing its audit row must at least be loud.
    log.error('audit event not recorded', { action: how?.action, target, error: err instanceof Error ? err.message : String(err) });
  }
}
