import { afterEach, describe, expect, it } from 'vitest';
import { Socket } from 'node:net';
import { KafkaListener } from '../../../../broker/kafka/server/kafka-listener.js';
import type { KafkaRequest, RequestHandler } from '../../../../broker/kafka/server/types.js';
import { memoryLogger } from '../../../../broker/logger.js';
import { closesWithin, connectClient, echo, requestFrame, responseBody, sleep, startListener, waitUntil, type TestClient } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(opts: Parameters<typeof startListener>[0]) {
  const s = await startListener(opts);
  cleanups.push(() => s.listener.close());
  return s;
}

async function client(port: number, opts?: Parameters<typeof connectClient>[1]): Promise<TestClient> {
  const c = await connectClient(port, opts);
  cleanups.push(() => c.socket.destroy());
  return c;
}

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size | 0, 0);
  return b;
}

describe('KafkaListener: lifecycle', () => {
  it('binds an ephemeral port, reports it, and refuses a second start', async () => {
    const { listener, port } = await setup({ handler: echo });
    expect(port).toBeGreaterThan(0);
    expect(listener.address()).toEqual({ host: '127.0.0.1', port });
    await expect(listener.start()).rejects.toThrow(/state listening/);
  });

  it('rejects start() when the port is taken', async () => {
    const { port } = await setup({ handler: echo });
    const second = new KafkaListener({ host: '127.0.0.1', port, logger: memoryLogger(), handler: echo });
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    await second.close();
  });

  it('close() during start() waits for the bind, then closes', async () => {
    const listener = new KafkaListener({ host: '127.0.0.1', port: 0, logger: memoryLogger(), handler: echo });
    const started = listener.start();
    await listener.close();
    const { port } = await started;
    await expect(connectClient(port)).rejects.toThrow(/ECONNREFUSED/);
    await expect(listener.start()).rejects.toThrow(/state closed/);
  });

  it('rejects bad options', () => {
    expect(() => new KafkaListener({ handler: echo, maxRequestBytes: 4 })).toThrow(RangeError);
    expect(() => new KafkaListener({ handler: echo, maxInFlightPerConnection: 0 })).toThrow(RangeError);
    expect(() => new KafkaListener({ handler: echo, port: 70000 })).toThrow(RangeError);
  });
});

describe('KafkaListener: framing', () => {
  it('reassembles frames sent one byte at a time', async () => {
    const seen: KafkaRequest[] = [];
    const { port } = await setup({
      handler: (req) => {
        seen.push({ ...req, frame: Buffer.from(req.frame) });
        return responseBody(req.header.correlationId);
      },
    });
    const c = await client(port);
    c.socket.setNoDelay(true);
    const stream = Buffer.concat([requestFrame(1, { clientId: 'one-byte', body: Buffer.from('hello') }), requestFrame(2, { clientId: null }), requestFrame(3)]);
    for (const byte of stream) {
      c.send(Buffer.from([byte]));
      await sleep(1);
    }
    await c.waitFor(3);
    expect(c.correlationIds()).toEqual([1, 2, 3]);
    expect(seen.map((r) => r.header.clientId)).toEqual(['one-byte', null, 'test']);
    expect(seen[0]!.header).toMatchObject({ apiKey: 18, apiVersion: 0, correlationId: 1 });
    expect(seen[0]!.frame).toEqual(requestFrame(1, { clientId: 'one-byte', body: Buffer.from('hello') }).subarray(4));
  });

  it('handles many frames arriving in one chunk', async () => {
    const { port } = await setup({ handler: echo });
    const c = await client(port);
    const ids = Array.from({ length: 500 }, (_, i) => i);
    c.send(Buffer.concat(ids.map((i) => requestFrame(i, { body: Buffer.alloc(i % 7) }))));
    await c.waitFor(500);
    expect(c.correlationIds()).toEqual(ids);
  });

  it('tracks per-connection info', async () => {
    const { listener, port } = await setup({ handler: echo });
    const c = await client(port);
    const frames = [requestFrame(1, { clientId: 'console' }), requestFrame(2, { clientId: 'console' })];
    c.send(Buffer.concat(frames));
    await c.waitFor(2);
    expect(listener.connections()).toBe(1);
    const [info] = listener.connectionInfos();
    expect(info).toMatchObject({
      id: expect.any(Number),
      remoteAddress: '127.0.0.1',
      remotePort: c.socket.localPort,
      localPort: port,
      requests: 2,
      responses: 2,
      bytesIn: frames[0]!.length + frames[1]!.length,
      bytesOut: 2 * 8,
      inFlight: 0,
      clientId: 'console',
    });
    c.socket.destroy();
    await waitUntil(() => listener.connections() === 0, 2000, 'connection to be forgotten');
  });
});

describe('KafkaListener: pipelining', () => {
  it('answers pipelined requests in request order while handlers finish in reverse order', async () => {
    const n = 20;
    const finished: number[] = [];
    const { port } = await setup({
      handler: async ({ header }) => {
        await sleep((n - header.correlationId) * 10);
        finished.push(header.correlationId);
        return responseBody(header.correlationId);
      },
    });
    const c = await client(port);
    c.send(Buffer.concat(Array.from({ length: n }, (_, i) => requestFrame(i))));
    await c.waitFor(n);
    expect(finished).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
    expect(c.correlationIds()).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('null responses produce nothing and do not block later responses', async () => {
    const { port } = await setup({
      handler: async ({ header }) => {
        const id = header.correlationId;
        if (id === 0) await sleep(50);
        if (id % 2 === 1) return null; // acks=0 Produce
        return responseBody(id);
      },
    });
    const c = await client(port);
    c.send(Buffer.concat([0, 1, 2, 3, 4, 5].map((i) => requestFrame(i))));
    await c.waitFor(3);
    await sleep(50);
    expect(c.correlationIds()).toEqual([0, 2, 4]);
    // a trailing null does not hold up the next request either
    c.send(requestFrame(6));
    await c.waitFor(4);
    expect(c.correlationIds()).toEqual([0, 2, 4, 6]);
  });

  it('synchronous and asynchronous handler results mix in order', async () => {
    const { port } = await setup({
      handler: ({ header }) => (header.correlationId % 3 === 0 ? sleep(5).then(() => responseBody(header.correlationId)) : responseBody(header.correlationId)),
    });
    const c = await client(port);
    c.send(Buffer.concat(Array.from({ length: 30 }, (_, i) => requestFrame(i))));
    await c.waitFor(30);
    expect(c.correlationIds()).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('KafkaListener: bad input closes only the offending connection', () => {
  it('closes on a 2 GiB / over-cap size prefix before any body is sent, while another client keeps working', async () => {
    const { listener, port, logger } = await setup({ handler: echo, maxRequestBytes: 1024 * 1024 });
    const healthy = await client(port);
    healthy.send(requestFrame(1));
    await healthy.waitFor(1);

    for (const size of [2 ** 31 /* reads as int32 -2^31 */, 2 ** 31 - 1, 1024 * 1024 + 1]) {
      const bad = await client(port);
      bad.send(sizePrefix(size));
      // Nothing after the prefix is ever sent: the server must decide on the prefix alone.
      expect(await closesWithin(bad, 1000)).toBeLessThan(1000);
    }
    const warns = logger.entries.filter((e) => e.level === 'warn' && e.msg.startsWith('closing connection: invalid request size'));
    expect(warns.map((w) => w.fields?.size)).toEqual([-(2 ** 31), 2 ** 31 - 1, 1024 * 1024 + 1]);
    expect(warns[0]!.fields).toMatchObject({ remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/), reason: 'negative size' });
    expect(warns[1]!.fields).toMatchObject({ reason: 'size exceeds maxRequestBytes' });

    healthy.send(requestFrame(2));
    await healthy.waitFor(2);
    expect(healthy.correlationIds()).toEqual([1, 2]);
    await waitUntil(() => listener.connections() === 1, 2000, 'bad connections to close');
  });

  it('does not buffer the body of an oversized request that is being streamed', async () => {
    const { listener, port } = await setup({ handler: echo, maxRequestBytes: 64 * 1024 });
    const bad = await client(port);
    bad.send(sizePrefix(2 ** 31 - 1));
    // keep streaming garbage; writes after the close must not throw (client side) nor reach the server
    const garbage = Buffer.alloc(64 * 1024, 0xab);
    for (let i = 0; i < 20 && !bad.isClosed(); i++) {
      bad.send(garbage);
      await sleep(5);
    }
    await closesWithin(bad, 1000);
    await waitUntil(() => listener.connections() === 0, 2000, 'bad connection to close');
  });

  it.each([
    [-1, 'negative size'],
    [0, 'size too small for a request header'],
    [7, 'size too small for a request header'],
  ])('closes on size %i (%s)', async (size, reason) => {
    const { port, logger } = await setup({ handler: echo });
    const healthy = await client(port);
    const bad = await client(port);
    bad.send(Buffer.concat([sizePrefix(size), Buffer.alloc(16)]));
    await closesWithin(bad, 1000);
    expect(logger.entries.find((e) => e.level === 'warn')?.fields).toMatchObject({ size, reason });
    healthy.send(requestFrame(9));
    await healthy.waitFor(1);
  });

  it('closes on a malformed header (client id longer than the frame)', async () => {
    const { port, logger } = await setup({ handler: echo });
    const bad = await client(port);
    const frame = requestFrame(1, { clientId: 'abc' });
    frame.writeInt16BE(200, 12);
    bad.send(frame);
    await closesWithin(bad, 1000);
    expect(logger.entries.some((e) => e.level === 'warn' && e.msg === 'closing connection: malformed request header')).toBe(true);
  });

  it('a handler that throws (sync or async) closes that connection with a logged reason', async () => {
    const { listener, port, logger } = await setup({
      handler: async ({ header }) => {
        if (header.apiKey === 99) throw new Error('cannot decode Produce v99');
        return responseBody(header.correlationId);
      },
    });
    const healthy = await client(port);
    const bad = await client(port);
    bad.send(Buffer.concat([requestFrame(1), requestFrame(2, { apiKey: 99 }), requestFrame(3)]));
    await closesWithin(bad, 1000);
    const entry = logger.entries.find((e) => e.msg === 'closing connection: request handler failed');
    expect(entry?.level).toBe('warn');
    expect(entry?.fields).toMatchObject({ error: 'cannot decode Produce v99', apiKey: 99, correlationId: 2 });
    healthy.send(requestFrame(7));
    await healthy.waitFor(1);
    expect(listener.connections()).toBe(1);
  });

  it('a synchronously throwing handler and a non-Buffer result close the connection too', async () => {
    const handler: RequestHandler = ({ header }) => {
      if (header.apiKey === 1) throw new Error('sync boom');
      if (header.apiKey === 2) return 'oops' as unknown as Buffer;
      return responseBody(header.correlationId);
    };
    const { port, logger } = await setup({ handler });
    for (const apiKey of [1, 2]) {
      const bad = await client(port);
      bad.send(requestFrame(1, { apiKey }));
      await closesWithin(bad, 1000);
    }
    expect(logger.entries.map((e) => e.msg)).toEqual(
      expect.arrayContaining(['closing connection: request handler failed', 'closing connection: request handler returned neither a Buffer nor null']),
    );
  });

  it('survives a mid-frame disconnect and garbage sent after the server closed', async () => {
    const { listener, port, logger } = await setup({ handler: echo });
    const half = await client(port);
    half.send(requestFrame(1, { body: Buffer.alloc(100) }).subarray(0, 50));
    await sleep(20);
    half.socket.destroy();
    const ended = await client(port);
    ended.send(requestFrame(1, { body: Buffer.alloc(100) }).subarray(0, 50));
    ended.socket.end();
    await waitUntil(() => listener.connections() === 0, 2000, 'connections to close');

    const bad = await client(port);
    bad.send(sizePrefix(-5));
    await closesWithin(bad, 1000);
    bad.send(Buffer.alloc(100, 1)); // after close: nothing must blow up anywhere
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('answers what was sent before the client half-closed, then closes', async () => {
    const { listener, port } = await setup({ handler: async ({ header }) => (await sleep(20), responseBody(header.correlationId)) });
    const c = await client(port);
    c.socket.end(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await c.waitFor(2).catch(() => undefined);
    expect(c.correlationIds()).toEqual([1, 2]);
    await closesWithin(c, 1000);
    await waitUntil(() => listener.connections() === 0, 2000, 'connection to close');
  });
});

describe('KafkaListener: idle timeout', () => {
  it('closes connections without traffic and keeps busy ones', async () => {
    const { listener, port, logger } = await setup({ handler: echo, idleTimeoutMs: 400 });
    const idle = await client(port);
    const busy = await client(port);
    const start = Date.now();
    let n = 0;
    while (Date.now() - start < 1000) {
      busy.send(requestFrame(n++));
      await sleep(25);
    }
    expect(idle.isClosed()).toBe(true);
    expect(busy.isClosed()).toBe(false);
    await busy.waitFor(n);
    expect(logger.entries.some((e) => e.msg === 'closing idle connection')).toBe(true);
    expect(listener.connections()).toBe(1);
  });

  it('does not close a connection whose handler is still working', async () => {
    const { port } = await setup({ handler: async ({ header }) => (await sleep(500), responseBody(header.correlationId)), idleTimeoutMs: 100 });
    const c = await client(port);
    c.send(requestFrame(1));
    await c.waitFor(1, 2000);
    expect(c.isClosed()).toBe(false);
    await closesWithin(c, 1000); // idle again after the response
  });
});

describe('KafkaListener: write coalescing', () => {
  it('responses produced in one tick leave in one writev (cork/uncork)', async () => {
    const proto = Socket.prototype as unknown as { _writev: (chunks: unknown[], ...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown };
    const { _writev, _write } = proto;
    const { port } = await setup({ handler: echo });
    const c = await client(port);
    const calls: { kind: string; chunks: number }[] = [];
    proto._writev = function (this: Socket, chunks: unknown[], ...rest: unknown[]) {
      if (this !== c.socket) calls.push({ kind: 'writev', chunks: chunks.length });
      return _writev.call(this, chunks, ...rest);
    };
    proto._write = function (this: Socket, ...args: unknown[]) {
      if (this !== c.socket) calls.push({ kind: 'write', chunks: 1 });
      return _write.apply(this, args);
    };
    try {
      c.send(Buffer.concat(Array.from({ length: 50 }, (_, i) => requestFrame(i))));
      await c.waitFor(50);
    } finally {
      proto._writev = _writev;
      proto._write = _write;
    }
    expect(c.correlationIds()).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(calls).toEqual([{ kind: 'writev', chunks: 100 }]); // 50 × (size prefix + body)
  });
});

describe('KafkaListener: backpressure', () => {
  it('stops reading while the client does not read large responses, and resumes when it does', async () => {
    let invocations = 0;
    const responseBytes = 1024 * 1024;
    const total = 200;
    const { listener, port } = await setup({
      maxInFlightPerConnection: 10_000, // only write backpressure limits this test
      handler: ({ header }) => {
        invocations += 1;
        const body = Buffer.allocUnsafe(responseBytes);
        body.writeInt32BE(header.correlationId, 0);
        return body;
      },
    });
    const c = await client(port, { paused: true, keepBytes: 4 });
    c.send(Buffer.concat(Array.from({ length: total }, (_, i) => requestFrame(i))));
    // wait until the server has stalled
    let last = -1;
    while (last !== invocations) {
      last = invocations;
      await sleep(300);
    }
    // kernel buffers on loopback hold some tens of MiB at most; without backpressure all 200 (200 MiB) would run
    expect(invocations).toBeLessThan(100);
    expect(listener.connectionInfos()[0]!.requests).toBe(invocations);
    c.socket.resume();
    await c.waitFor(total, 20_000);
    expect(invocations).toBe(total);
    expect(c.correlationIds()).toEqual(Array.from({ length: total }, (_, i) => i));
  });

  it('bounds unanswered requests per connection by pausing reads', async () => {
    let invocations = 0;
    const release: (() => void)[] = [];
    const { port } = await setup({
      maxInFlightPerConnection: 5,
      handler: ({ header }) => {
        invocations += 1;
        return new Promise<Buffer>((resolve) => release.push(() => resolve(responseBody(header.correlationId))));
      },
    });
    const c = await client(port);
    c.send(Buffer.concat(Array.from({ length: 50 }, (_, i) => requestFrame(i))));
    await waitUntil(() => invocations === 5, 2000, '5 handler calls');
    await sleep(100);
    expect(invocations).toBe(5);
    // answering one lets exactly one more in
    release.shift()!();
    await c.waitFor(1);
    await waitUntil(() => invocations === 6, 2000, '6 handler calls');
    await sleep(100);
    expect(invocations).toBe(6);
    while (invocations < 50 || release.length > 0) {
      release.splice(0).forEach((r) => r());
      await sleep(5);
    }
    await c.waitFor(50);
    expect(c.correlationIds()).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('KafkaListener: close()', () => {
  it('waits for in-flight requests and flushes their responses, then closes sockets', async () => {
    let started = 0;
    let lastAnsweredAt = 0;
    const { listener, port } = await startListener({
      handler: async ({ header }) => {
        started += 1;
        await sleep(200);
        lastAnsweredAt = Date.now();
        return responseBody(header.correlationId);
      },
    });
    const c = await client(port);
    c.send(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await waitUntil(() => started === 2, 2000, 'handlers to start');
    await listener.close();
    expect(lastAnsweredAt).toBeGreaterThan(0);
    expect(Date.now()).toBeGreaterThanOrEqual(lastAnsweredAt);
    // the server socket closes only after the client saw the responses and the FIN that follows them
    expect(c.correlationIds()).toEqual([1, 2]);
    await closesWithin(c, 1000);
    expect(listener.connections()).toBe(0);
    // no longer accepting
    await expect(connectClient(port)).rejects.toThrow(/ECONNREFUSED/);
    await listener.close(); // idempotent
  });

  it('destroys connections still busy after closeTimeoutMs', async () => {
    const { listener, port, logger } = await startListener({ handler: () => new Promise<Buffer>(() => {}), closeTimeoutMs: 200 });
    const c = await client(port);
    c.send(requestFrame(1));
    await waitUntil(() => listener.connectionInfos()[0]?.inFlight === 1, 2000, 'request in flight');
    const t0 = Date.now();
    await listener.close();
    expect(Date.now() - t0).toBeLessThan(1500);
    await closesWithin(c, 1000);
    expect(logger.entries.some((e) => e.msg.includes('close timed out'))).toBe(true);
  });

  it('close() before start() resolves', async () => {
    await new KafkaListener({ handler: echo, logger: memoryLogger() }).close();
  });
});
