/**
 * The queue data-plane listener: routing, errors and body handling on a real node:http server
 * with stand-in route modules, then the real thing — `npm start` with SLUICE_QUEUE_HTTP_PORT —
 * publishing, receiving and acknowledging through it with an API token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_MEDIA_TYPE, decodeMessageBatch, encodePublishBatch } from '../../../broker/client/batch-format.js';
import { compileRoutes, matchRoute, MAX_BODY_BYTES, startDataPlane, type DataPlane } from '../../../server/data-plane/listener.js';
import { apiSignIn, createApiToken, freePort, startSluice, type RunningSluice } from '../../app/real-sluice.js';

const echo = {
  POST: async (request: Request, { params }: { params: Promise<Record<string, string>> }) =>
    Response.json({ params: await params, body: await request.text(), auth: request.headers.get('authorization') }, { headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']] }),
};
const fixed = { GET: async () => Response.json({ route: 'fixed' }) };

describe('data-plane routing (stand-in routes on a real listener)', () => {
  let plane: DataPlane;
  let base: string;
  beforeAll(async () => {
    plane = await startDataPlane({
      host: '127.0.0.1',
      port: 0,
      routes: [
        { path: '/api/v1/queues/[topic]/things/[id]', module: echo },
        { path: '/api/v1/queues/fixed/things/[id]', module: fixed },
      ],
    });
    base = `http://127.0.0.1:${plane.port}`;
  });
  afterAll(() => plane.close());

  it('a static segment wins over a parameter, whatever the registry order', () => {
    const routes = compileRoutes([
      { path: '/q/[topic]/x', module: { name: 'param' } },
      { path: '/q/transactions/x', module: { name: 'static' } },
    ]);
    expect(matchRoute(routes, '/q/transactions/x')?.route.module).toEqual({ name: 'static' });
    expect(matchRoute(routes, '/q/orders/x')).toMatchObject({ route: { module: { name: 'param' } }, params: { topic: 'orders' } });
    expect(matchRoute(routes, '/q/%E0%A4%A/x')).toBeUndefined();
  });

  it('passes decoded params, body and headers to the handler and every Set-Cookie back', async () => {
    const res = await fetch(`${base}/api/v1/queues/or%2Fders/things/7?x=1`, { method: 'POST', headers: { authorization: 'Bearer t' }, body: 'hello' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ params: { topic: 'or/ders', id: '7' }, body: 'hello', auth: 'Bearer t' });
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await (await fetch(`${base}/api/v1/queues/fixed/things/1`)).json()).toEqual({ route: 'fixed' });
  });

  it('answers 404 off the queue routes, 405 with Allow for a wrong method, 413 over the body limit', async () => {
    const missing = await fetch(`${base}/api/v1/users`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const wrong = await fetch(`${base}/api/v1/queues/t/things/1`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    const big = await fetch(`${base}/api/v1/queues/t/things/1`, { method: 'POST', body: Buffer.alloc(MAX_BODY_BYTES + 1) });
    expect(big.status).toBe(413);
  });
});

describe('npm start with SLUICE_QUEUE_HTTP_PORT', () => {
  const password = 'data plane admin pw';
  let sluice: RunningSluice;
  let plane: string;
  let token: string;
  beforeAll(async () => {
    const port = await freePort();
    sluice = await startSluice(password, { SLUICE_QUEUE_HTTP_PORT: String(port) });
    plane = `http://127.0.0.1:${port}`;
    token = await createApiToken(sluice.baseUrl, await apiSignIn(sluice.baseUrl, 'admin', password), 'operator');
  }, 240_000);
  afterAll(() => sluice?.stop());

  it('publishes, receives and acks through the data-plane port with the same auth, roles and errors', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const topic = `dp-${Date.now()}`;
    expect((await fetch(`${sluice.baseUrl}/api/v1/clusters/built-in/topics`, { method: 'POST', headers, body: JSON.stringify({ name: topic, partitions: 1 }) })).status).toBe(201);
    const post = (path: string, body: unknown, h: Record<string, string> = headers) => fetch(`${plane}${path}`, { method: 'POST', headers: h, body: JSON.stringify(body) });

    expect((await post(`/api/v1/queues/${topic}/subscriptions`, { name: 'w', startAt: 'earliest' })).status).toBe(201);
    const published = await post(`/api/v1/queues/${topic}/messages`, { messages: [{ value: 'one' }, { value: 'two', key: 'k' }] });
    expect(published.status).toBe(200);
    const received = await post(`/api/v1/queues/${topic}/subscriptions/w/receive`, { max: 10, waitMs: 1000 });
    const { messages } = (await received.json()) as { messages: { value: string; receipt: string }[] };
    expect(messages.map((m) => m.value).sort()).toEqual(['one', 'two']);
    expect((await post('/api/v1/queues/ack', { receipts: messages.map((m) => m.receipt) })).status).toBe(200);
    // Same errors as on the console port: a second ack is a conflict, no token is 401, bad JSON 400.
    expect((await post('/api/v1/queues/ack', { receipts: [messages[0]!.receipt] })).status).toBe(409);
    expect((await post('/api/v1/queues/ack', { receipts: ['x'] }, { 'content-type': 'application/json' })).status).toBe(401);
    expect((await fetch(`${plane}/api/v1/queues/ack`, { method: 'POST', headers, body: '{"receipts": [' })).status).toBe(400);
    // Only queue routes live here.
    expect((await fetch(`${plane}/api/v1/users`, { headers })).status).toBe(404);
  }, 60_000);

  it('answers a receive as a binary batch when asked, and takes acks as text lines, on both ports', async () => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const topic = `dpb-${Date.now()}`;
    expect((await fetch(`${sluice.baseUrl}/api/v1/clusters/built-in/topics`, { method: 'POST', headers, body: JSON.stringify({ name: topic, partitions: 1 }) })).status).toBe(201);
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x80]); // not UTF-8: JSON would have to base64 it
    for (const base of [plane, sluice.baseUrl]) {
      const sub = base === plane ? 'plane' : 'console';
      const post = (path: string, body: string, h: Record<string, string> = headers) => fetch(`${base}${path}`, { method: 'POST', headers: h, body });
      expect((await post(`/api/v1/queues/${topic}/subscriptions`, JSON.stringify({ name: sub, startAt: 'earliest' }))).status).toBe(201);
      if (base === plane) {
        const messages = [
          { value: binary.toString('base64'), encoding: 'base64', key: 'k-ü', headers: { trace: 'abc', 'ünï': 'cödé' } },
          { value: null },
        ];
        expect((await post(`/api/v1/queues/${topic}/messages`, JSON.stringify({ messages }))).status).toBe(200);
      }
      const res = await post(`/api/v1/queues/${topic}/subscriptions/${sub}/receive`, JSON.stringify({ max: 10, waitMs: 1000 }), { ...headers, accept: BATCH_MEDIA_TYPE });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(BATCH_MEDIA_TYPE);
      expect(res.headers.get('cache-control')).toContain('no-transform');
      const batch = decodeMessageBatch(Buffer.from(await res.arrayBuffer()));
      expect(batch.topic).toBe(topic);
      const [first, second] = [...batch.messages].sort((a, b) => a.offset - b.offset);
      expect(first!.value).toEqual(binary);
      expect(first!.key?.toString('utf8')).toBe('k-ü');
      expect(first!.headers.map((h) => [h.key, h.value?.toString('utf8')])).toEqual(expect.arrayContaining([['trace', 'abc'], ['ünï', 'cödé']]));
      expect([first!.attempt, first!.partition, second!.value, second!.key]).toEqual([1, 0, null, null]);
      expect(first!.leaseExpiresAt).toBeGreaterThan(Date.now());

      const text = { authorization: `Bearer ${token}`, 'content-type': 'text/plain' };
      // One malformed line: nothing is acked (both ack below), and the answer names the line.
      const bad = await post('/api/v1/queues/ack', `${first!.receipt}\nnot-a-receipt\n`, text);
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('receipt 1');
      expect((await post('/api/v1/queues/ack', '\n', text)).status).toBe(422);
      const ok = await post('/api/v1/queues/ack', `${first!.receipt}\r\n${second!.receipt}\n`, text);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ acked: 2 });
      expect((await post('/api/v1/queues/ack', first!.receipt, text)).status).toBe(409);
    }
  }, 60_000);

  it('takes a publish as a binary batch on both ports, with the same limits and precise errors', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const topic = `dpp-${Date.now()}`;
    expect((await fetch(`${sluice.baseUrl}/api/v1/clusters/built-in/topics`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: topic, partitions: 2 }) })).status).toBe(201);
    const json = { ...auth, 'content-type': 'application/json' };
    const binary = { ...auth, 'content-type': BATCH_MEDIA_TYPE };
    expect((await fetch(`${plane}/api/v1/queues/${topic}/subscriptions`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'w', startAt: 'earliest' }) })).status).toBe(201);
    const raw = Buffer.from([0xff, 0x00, 0x80]);
    for (const base of [plane, sluice.baseUrl]) {
      const publish = (body: Buffer) => fetch(`${base}/api/v1/queues/${topic}/messages`, { method: 'POST', headers: binary, body: new Uint8Array(body) });
      const batch = encodePublishBatch([
        { key: Buffer.from('k1'), value: raw, headers: { trace: Buffer.from('t-1') }, partition: 1, ttlMs: 600_000, idempotencyKey: `idem-${base}` },
        { key: null, value: null, headers: {}, delayMs: 60_000 },
      ]);
      const res = await publish(batch);
      expect(res.status).toBe(200);
      const { results } = (await res.json()) as { results: { partition: number; offset: number }[] };
      expect(results[0]!.partition).toBe(1);
      // The idempotency key holds across the binary path: a retry gets the same position.
      expect(((await (await publish(batch)).json()) as { results: unknown[] }).results[0]).toEqual(results[0]);
      // Bad input: not a batch is 400, a value out of range is 422 naming the field; nothing appended.
      const notBatch = await publish(Buffer.from('{"messages":[]}'));
      expect(notBatch.status).toBe(400);
      expect(((await notBatch.json()) as { error: { code: string } }).error.code).toBe('malformed_body');
      const both = await publish(encodePublishBatch([{ key: null, value: Buffer.from('x'), headers: {}, delayMs: 5, deliverAt: 5 }]));
      expect(both.status).toBe(422);
      expect(((await both.json()) as { error: { details: { issues: { path: string }[] } } }).error.details.issues[0]!.path).toBe('messages.0.deliverAt');
      expect((await publish(encodePublishBatch([{ key: null, value: null, headers: {}, ttlMs: 0 }]))).status).toBe(422);
      expect((await publish(encodePublishBatch([]))).status).toBe(422);
    }
    // What the binary publishes stored: the raw bytes, key and header once per port, and the delayed
    // tombstones wait — two per port, since the retry above re-sent the one without a key.
    const got = await fetch(`${plane}/api/v1/queues/${topic}/subscriptions/w/receive`, { method: 'POST', headers: { ...json, accept: BATCH_MEDIA_TYPE }, body: JSON.stringify({ max: 10, waitMs: 500 }) });
    const { messages } = decodeMessageBatch(Buffer.from(await got.arrayBuffer()));
    expect(messages.map((m) => [m.partition, m.key?.toString(), m.value, m.headers.find((h) => h.key === 'trace')?.value?.toString()])).toEqual([
      [1, 'k1', raw, 't-1'],
      [1, 'k1', raw, 't-1'],
    ]);
    const desc = (await (await fetch(`${plane}/api/v1/queues/${topic}/subscriptions/w`, { headers: auth })).json()) as { counts: { delayed: number } };
    expect(desc.counts.delayed).toBe(4);
  }, 60_000);

  it('a bad SLUICE_QUEUE_HTTP_PORT stops start-up with a message naming it', async () => {
    await expect(startSluice(password, { SLUICE_QUEUE_HTTP_PORT: '70000' })).rejects.toThrow(/SLUICE_QUEUE_HTTP_PORT must be a port number 0-65535/);
  }, 120_000);
});
