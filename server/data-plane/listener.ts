/**
 * The queue data plane on its own port (SLUICE_QUEUE_HTTP_PORT): the same /api/v1/queues route
 * handlers as the console's port — same route wrapper, so the same token auth, roles, zod
 * validation, errors and metrics — served by a bare node:http server instead of Next.js.
 *
 * Why: a Next.js request costs 2-3 ms of CPU before the handler runs (routing, rendering
 * pipeline, web-stream piping), which at a few hundred messages per call is more than the queue
 * engine spends on them. Applications that move messages point their client here; the console
 * and everything else stay on the Next.js port. Only queue routes exist on this port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteModule } from '../api/openapi.js';
import { errorResponse } from '../api/errors.js';
import { DataPlaneRequest, type PlainResponse } from './exchange.js';

/** Largest request body read; bigger requests get 413 before any handler runs. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface CompiledRoute {
  pattern: RegExp;
  names: string[];
  /** Static segments: `/queues/transactions` beats `/queues/[topic]` for the same path. */
  staticSegments: number;
  module: Record<string, unknown>;
}

export function compileRoutes(routes: readonly RouteModule[]): CompiledRoute[] {
  return routes
    .map(({ path, module }) => {
      const names: string[] = [];
      const source = path
        .split('/')
        .map((seg) => {
          const m = /^\[(\w+)\]$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { pattern: new RegExp(`^${source}$`), names, staticSegments: path.split('/').length - names.length, module };
    })
    .sort((a, b) => b.staticSegments - a.staticSegments);
}

export function matchRoute(routes: readonly CompiledRoute[], pathname: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    } catch {
      return undefined; // malformed %-escape: no route can mean it
    }
    return { route, params };
  }
  return undefined;
}

export interface DataPlane {
  port: number;
  close(): Promise<void>;
}

export async function startDataPlane(options: { host: string; port: number; routes: readonly RouteModule[] }): Promise<DataPlane> {
  const routes = compileRoutes(options.routes);
  const server = http.createServer((req, res) => {
    void serve(routes, req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'internal', message: String(err) } }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}

async function serve(routes: readonly CompiledRoute[], req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const found = matchRoute(routes, url.pathname);
  const handler = found?.route.module[method] as Handler | undefined;
  if (!found || !handler) {
    req.resume();
    const allowed = found ? Object.keys(found.route.module).filter((k) => /^[A-Z]+$/.test(k) && typeof found.route.module[k] === 'function') : [];
    const response = found
      ? errorResponse(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}; allowed: ${allowed.join(', ')}`, undefined, { allow: allowed.join(', ') })
      : errorResponse(404, 'not_found', `no queue API route at ${url.pathname} on the data-plane port (only /api/v1/queues/… is served here)`);
    return send(res, response);
  }
  const body = await readBody(req);
  if (body === 'too-large') return send(res, errorResponse(413, 'payload_too_large', `request body over ${MAX_BODY_BYTES} bytes`));
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const request = new DataPlaneRequest(method, url.href, headers, method !== 'GET' && method !== 'HEAD' ? body : undefined);
  await send(res, await handler(request as unknown as Request, { params: Promise.resolve(found.params) }));
}

/** The body, read with 'data' events: a stream's async iterator cost more per call (its own
 * promises, listeners and end-of-stream tracking) than a small body takes to arrive. */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Drain the rest without keeping it, and answer at once.
        req.off('data', onData);
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > MAX_BODY_BYTES) return;
      resolve(size === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
  });
}

async function send(res: http.ServerResponse, response: Response | PlainResponse): Promise<void> {
  // Duck-typed: the route wrapper's chunk may hold another copy of the PlainResponse class.
  const plain = Buffer.isBuffer((response as PlainResponse).body);
  const body = plain ? (response as PlainResponse).body : Buffer.from(await (response as Response).arrayBuffer());
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
