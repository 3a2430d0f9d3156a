/**
 * Who is on the other end of a request: the client address (for rate limits and audit) and
 * whether it arrived over https (for the cookie's Secure flag).
 *
 * `next start` speaks plain HTTP and keeps any X-Forwarded-For a client sends, so those headers
 * are only believed with SLUICE_TRUST_PROXY=1 (a reverse proxy in front sets them). Otherwise the
 * address is the socket's, stamped on each request by `installClientAddressStamp()` under a
 * header name that overwrites whatever the client sent.
 */
import http from 'node:http';

export const CLIENT_ADDRESS_HEADER = 'x-sluice-client-address';

export interface ClientInfo {
  ip: string;
  secure: boolean;
  userAgent?: string;
}

export function clientInfo(headers: Headers, trustProxy: boolean): ClientInfo {
  const userAgent = headers.get('user-agent') ?? undefined;
  if (trustProxy) {
    // The proxy appends the address it saw: the last entry is the one a client cannot forge.
    const forwarded = headers.get('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
    const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    return { ip: forwarded.at(-1) ?? headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown', secure: proto === 'https', userAgent };
  }
  return { ip: headers.get(CLIENT_ADDRESS_HEADER) ?? 'unknown', secure: false, userAgent };
}

const INSTALLED = Symbol.for('sluice.clientAddressStamp');

/**
 * Writes the socket's remote address into every incoming request's headers, in this process.
 * Called once at start-up (instrumentation.ts), before the first request.
 */
export function installClientAddressStamp(): void {
  const proto = http.Server.prototype as http.Server & { [INSTALLED]?: boolean };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? 'unknown';
    }
    return emit.call(this, event, ...args);
  } as typeof proto.emit;
}
