/**
 * The request and response objects of the queue data-plane port (listener.ts): the subset of the
 * Fetch API's Request and Response that the route wrapper and the queue routes use, backed by
 * plain Buffers.
 *
 * Why not undici's Request and Response: building a Request with a body, reading it with text(),
 * and reading a Response back into bytes goes through web streams, about 180 µs of CPU per call
 * on this machine (measured with 18 KB publish bodies and 60 KB receive answers), which at 250
 * messages per call was a quarter of the server's time per acknowledged message. Next.js's port
 * keeps the real ones; only the data-plane listener makes these.
 */

// A registered symbol, not instanceof: the route wrapper may sit in another webpack chunk than the
// listener and so see another copy of this class.
const BRAND = Symbol.for('sluice.data-plane-request');

export class DataPlaneRequest {
  readonly [BRAND] = true;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Headers,
    private readonly body: Buffer | undefined,
  ) {}

  async text(): Promise<string> {
    return this.body?.toString('utf8') ?? '';
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.body ?? Buffer.alloc(0);
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** A finished answer: status, headers and the whole body. */
export class PlainResponse {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: Buffer,
  ) {}
}

/** Whether a route is answering the data-plane listener (then it may answer a PlainResponse). */
export function isDataPlaneRequest(request: unknown): request is DataPlaneRequest {
  return typeof request === 'object' && request !== null && BRAND in request;
}
