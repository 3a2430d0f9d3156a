/**
 * The queue client's node:http transport (broker/client/http-transport.ts) against a real local
 * HTTP server: bodies arrive whole with their length, connections are reused, a server that does
 * not answer ends in a timeout error, a closed port in a network error (which publish retries),
 * and close() lets the process go.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpTransport } from '../../../broker/client/http-transport.js';
import { QueueClient } from '../../../broker/client/queue-client.js';

let server: http.Server;
let base = '';
const sockets = new Set<unknown>();
const seen: Array<{ method: string; url: string; length: string | undefined; type: string | undefined; body: Buffer; socket: unknown }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sockets.add(req.socket);
      seen.push({ method: req.method!, url: req.url!, length: req.headers['content-length'], type: req.headers['content-type'], body: Buffer.concat(chunks), socket: req.socket });
      if (req.url === '/silent') return; // never answers
      if (req.url!.startsWith('/error')) {
        res.writeHead(409, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'stale_receipt', message: 'the lease expired' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.concat([Buffer.from('echo:'), Buffer.concat(chunks)]));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('node:http transport', () => {
  it('sends string and Buffer bodies with their length, returns status, type and bytes, and reuses the connection', async () => {
    const send = nodeHttpTransport();
    seen.length = 0;
    const binary = Buffer.from([0, 255, 128, 10]);
    const a = await send({ method: 'POST', url: `${base}/a`, headers: { 'content-type': 'text/plain' }, body: 'héllo', timeoutMs: 5000 });
    const b = await send({ method: 'POST', url: `${base}/b`, headers: { 'content-type': 'application/x' }, body: binary, timeoutMs: 5000 });
    expect([a.status, a.contentType, a.body.toString('utf8')]).toEqual([200, 'application/octet-stream', 'echo:héllo']);
    expect(b.body).toEqual(Buffer.concat([Buffer.from('echo:'), binary]));
    expect(seen.map((s) => [s.length, s.type])).toEqual([
      [String(Buffer.byteLength('héllo')), 'text/plain'],
      ['4', 'application/x'],
    ]);
    expect(seen[0]!.socket).toBe(seen[1]!.socket);
    send.close();
  });

  it('a server that does not answer ends in a timeout error naming the call', async () => {
    const send = nodeHttpTransport();
    await expect(send({ method: 'POST', url: `${base}/silent`, headers: {}, body: 'x', timeoutMs: 200 })).rejects.toThrow('POST /silent timed out after 200 ms');
    send.close();
  });

  it('the client turns API errors into QueueApiError, and a refused connection into a network error after its retries', async () => {
    // Every path under /error answers the API's error shape.
    const errors = new QueueClient({ baseUrl: `${base}/error?`, token: 't' });
    await expect(errors.ack(['r1'])).rejects.toMatchObject({ name: 'QueueApiError', status: 409, code: 'stale_receipt', message: 'the lease expired' });
    errors.close();

    const closedPort = await new Promise<number>((resolve) => {
      const probe = http.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const offline = new QueueClient({ baseUrl: `http://127.0.0.1:${closedPort}`, token: 't', retries: 2, backoffMs: 1, maxBackoffMs: 2 });
    const started = Date.now();
    await expect(offline.publish('t', [{ value: 'x' }])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(5000);
    offline.close();
  });
});
