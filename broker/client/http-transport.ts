/**
 * How QueueClient talks HTTP in Node: node:http(s) with a keep-alive agent. The client's calls
 * carry hundreds of messages each and run back to back; `fetch` (undici) spends several hundred
 * microseconds of CPU per call on web streams, Request/Response objects and abort signals, which
 * on a small machine was more than the client's whole per-message work (docs/benchmarks.md).
 * A caller that passes its own `fetch` (tests, browsers, proxies) gets fetchTransport instead.
 */
import http from 'node:http';
import https from 'node:https';

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

export interface TransportResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A transport over Node's HTTP client; `close()` ends its idle keep-alive connections. */
export function nodeHttpTransport(): Transport & { close(): void } {
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  const send: Transport = (r) =>
    new Promise((resolve, reject) => {
      const url = new URL(r.url);
      const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
      const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
      const req = (protocol === 'https:' ? https : http).request(
        url,
        { method: r.method, agent: agents[protocol], headers: body ? { ...r.headers, 'content-length': String(body.length) } : r.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        },
      );
      req.setTimeout(r.timeoutMs, () => req.destroy(new Error(`${r.method} ${url.pathname} timed out after ${r.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return Object.assign(send, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** A transport over a caller's `fetch`. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (r) => {
    const body = typeof r.body === 'string' || r.body === undefined ? r.body : new Uint8Array(r.body.buffer, r.body.byteOffset, r.body.length);
    const res = await fetchImpl(r.url, { method: r.method, headers: r.headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(r.timeoutMs) });
    return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: Buffer.from(await res.arrayBuffer()) };
  };
}
