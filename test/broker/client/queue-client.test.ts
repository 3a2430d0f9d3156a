/**
 * The TypeScript queue client against a real Sluice (`npm start`, the queue HTTP API with an
 * operator API token): publish/receive/ack round trip with text, bytes and JSON, nack to the
 * dead-letter topic, precise API errors without retries, and publish retries after a lost
 * response that do not publish twice (the client's idempotency keys).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer, type ConsumerApi } from '../../../broker/client/consumer.js';
import { QueueApiError, QueueClient, type QueueMessage } from '../../../broker/client/queue-client.js';
import { apiSignIn, createApiToken, startSluice, type RunningSluice } from '../../app/real-sluice.js';

const ADMIN_PASSWORD = 'queue client test admin password';
let sluice: RunningSluice;
let token: string;
let n = 0;

beforeAll(async () => {
  sluice = await startSluice(ADMIN_PASSWORD);
  token = await createApiToken(sluice.baseUrl, await apiSignIn(sluice.baseUrl, 'admin', ADMIN_PASSWORD), 'operator');
}, 900_000);

afterAll(async () => {
  await sluice?.stop();
});

async function freshQueue(config: Record<string, unknown> = {}): Promise<{ topic: string; client: QueueClient }> {
  const topic = `client-${process.pid}-${++n}`;
  const created = await fetch(`${sluice.baseUrl}/api/v1/clusters/built-in/topics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: topic, partitions: 1 }),
  });
  expect(created.status, await created.text()).toBe(201);
  const client = new QueueClient({ baseUrl: sluice.baseUrl, token, backoffMs: 10 });
  await client.createSubscription(topic, 'workers', { startAt: 'earliest', config });
  return { topic, client };
}

describe('QueueClient against npm start', () => {
  it('publishes text, bytes and JSON; receives them with their attempt; acks', async () => {
    const { topic, client } = await freshQueue();
    const positions = await client.publish(topic, [
      { key: 'a', value: 'plain text', headers: { h: '1' } },
      { value: Buffer.from([1, 2, 3, 250]) },
      { value: { order: 7, items: ['x'] } },
    ]);
    expect(positions.map((p) => p.offset)).toEqual([0, 1, 2]);
    const got = await client.receive(topic, 'workers', { max: 10, waitMs: 2000 });
    expect(got[0]!.text()).toBe('plain text');
    expect(got[0]!.key).toBe('a');
    expect(got[0]!.headers.h).toBe('1');
    expect([...got[1]!.value!]).toEqual([1, 2, 3, 250]);
    expect(got[2]!.json()).toEqual({ order: 7, items: ['x'] });
    expect(got.every((m) => m.attempt === 1)).toBe(true);
    await client.ack(got.map((m) => m.receipt));
    expect((await client.describeSubscription(topic, 'workers')).counts).toMatchObject({ depth: 0, acked: 3 });
  });

  it('binary keys and header values travel byte-exact: keyBytes and headerBytes give them back; text ones still read as text', async () => {
    const { topic, client } = await freshQueue();
    const key = Buffer.from([0xff, 0x00, 0x80, 0x41]); // not UTF-8
    const trace = new Uint8Array([0xc3, 0x28]); // not UTF-8 either
    await client.publish(topic, [{ key, value: 'v', headers: { trace, plain: 'ü' } }]);
    const [m] = await client.receive(topic, 'workers', { waitMs: 2000 });
    expect([...m!.keyBytes!]).toEqual([...key]);
    expect([...m!.headerBytes.trace!]).toEqual([...trace]);
    expect(m!.headerBytes.plain!.toString('utf8')).toBe('ü');
    expect(m!.headers.plain).toBe('ü');
    expect(m!.key).toBe(key.toString('utf8')); // lossy on purpose, documented
    await client.ack([m!.receipt]);
  });

  it('a transactional message with a key that is not UTF-8 is refused before any request (the JSON API takes text)', async () => {
    let calls = 0;
    const client = new QueueClient({ baseUrl: 'http://127.0.0.1:9', token: 't', fetch: async () => { calls++; return new Response('{}'); } });
    await expect(client.prepareTransaction('t', [{ key: Buffer.from([0xff]), value: 'v' }], { timeoutMs: 1000 })).rejects.toThrow('key is not UTF-8');
    await expect(client.prepareTransaction('t', [{ value: 'v', headers: { h: new Uint8Array([0x80]) } }], { timeoutMs: 1000 })).rejects.toThrow('header h is not UTF-8');
    expect(calls).toBe(0);
  });

  it('nack after the last attempt dead-letters; a stale ack is a QueueApiError with the API code', async () => {
    const { topic, client } = await freshQueue({ maxAttempts: 1 });
    await client.publish(topic, [{ value: 'poison' }]);
    const [m] = await client.receive(topic, 'workers', { waitMs: 2000 });
    expect(await client.nack(m!.receipt, 'cannot parse')).toMatchObject({ deadLettered: true });
    const err = await client.ack([m!.receipt]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueApiError);
    expect((err as QueueApiError).status).toBe(409);
    expect((await client.describeSubscription(topic, 'workers')).counts).toMatchObject({ deadLettered: 1, depth: 0 });
  });

  it('does not retry a request the server refused: unknown topic is one call, 404', async () => {
    let calls = 0;
    const client = new QueueClient({ baseUrl: sluice.baseUrl, token, fetch: (...a) => (calls++, fetch(...a)) });
    const err = (await client.publish('no-such-topic', [{ value: 'x' }]).catch((e: unknown) => e)) as QueueApiError;
    expect([err.status, err.code, calls]).toEqual([404, 'unknown_topic', 1]);
  });

  it('retries a publish whose response was lost, and the broker keeps one copy', async () => {
    const { topic } = await freshQueue();
    let calls = 0;
    // The first two requests reach the server and are processed; their responses are "lost".
    const lossy: typeof fetch = async (...a) => {
      const res = await fetch(...a);
      if (++calls <= 2) {
        await res.arrayBuffer();
        throw new TypeError('fetch failed: socket hang up');
      }
      return res;
    };
    const client = new QueueClient({ baseUrl: sluice.baseUrl, token, fetch: lossy, backoffMs: 10 });
    const [position] = await client.publish(topic, [{ value: 'exactly once' }]);
    expect(calls).toBe(3);
    expect(position).toEqual({ partition: 0, offset: 0 });
    const plain = new QueueClient({ baseUrl: sluice.baseUrl, token });
    const got = await plain.receive(topic, 'workers', { max: 10, waitMs: 1000 });
    expect(got.map((m) => m.text())).toEqual(['exactly once']);
  });

  it('a prepared transaction is invisible until commit; a rolled-back one never appears', async () => {
    const { topic, client } = await freshQueue();
    const kept = await client.prepareTransaction(topic, [{ value: 'kept' }], { timeoutMs: 60_000 });
    const dropped = await client.prepareTransaction(topic, [{ value: 'dropped' }], { timeoutMs: 60_000 });
    expect(await client.receive(topic, 'workers', { max: 10, waitMs: 300 })).toEqual([]);
    expect((await client.commitTransaction(kept.transactionId)).state).toBe('committed');
    await client.commitTransaction(kept.transactionId); // a retried commit publishes nothing more
    await client.rollbackTransaction(dropped.transactionId);
    const got = await client.receive(topic, 'workers', { max: 10, waitMs: 2000 });
    expect(got.map((m) => m.text())).toEqual(['kept']);
  });
});

describe('QueueClient.consume against npm start', () => {
  it('handles every message exactly once with prefetch and concurrency, acks them all, and stop() leaves nothing in flight', async () => {
    const { topic, client } = await freshQueue();
    const total = 300;
    for (let i = 0; i < total; i += 100) await client.publish(topic, Array.from({ length: 100 }, (_, k) => ({ value: `m${i + k}` })));
    const seen = new Map<string, number>();
    let running = 0;
    let maxRunning = 0;
    let all!: () => void;
    const finished = new Promise<void>((r) => (all = r));
    const consumer = client.consume(topic, 'workers', async (m) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 1));
      running--;
      seen.set(m.text(), (seen.get(m.text()) ?? 0) + 1);
      if (seen.size === total) all();
    }, { prefetch: 50, concurrency: 4, waitMs: 200 });
    await finished;
    expect(consumer.state).toBe('running');
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
    expect([...seen.values()].every((c) => c === 1)).toBe(true);
    // Two loops of 25, four handlers each: never more than 8 at once, and more than one.
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(8);
    expect((await client.describeSubscription(topic, 'workers')).counts).toMatchObject({ depth: 0, acked: total, inFlight: 0 });
  });

  it('a handler that throws nacks its message with the error as reason: it comes back as attempt 2, the others are acked once', async () => {
    const { topic, client } = await freshQueue({ backoff: { baseMs: 0, jitter: 0 } });
    await client.publish(topic, [{ value: 'ok-1' }, { value: 'flaky' }, { value: 'ok-2' }]);
    const attempts: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const consumer = client.consume(topic, 'workers', (m) => {
      attempts.push(`${m.text()}#${m.attempt}`);
      if (m.text() === 'flaky' && m.attempt === 1) throw new Error('downstream timeout');
      if (attempts.length === 4) done();
    }, { prefetch: 10, waitMs: 200 });
    await finished;
    await consumer.stop();
    expect(attempts.sort()).toEqual(['flaky#1', 'flaky#2', 'ok-1#1', 'ok-2#1']);
    expect((await client.describeSubscription(topic, 'workers')).counts).toMatchObject({ depth: 0, acked: 3 });
  });

  it('acks ride on the next receive; a handler that outlives its lease gets them refused, reported, and the message back', async () => {
    const { topic, client } = await freshQueue({ backoff: { baseMs: 0, jitter: 0 } });
    await client.publish(topic, [{ value: 'slow' }, { value: 'quick' }]);
    const attempts: string[] = [];
    const errors: unknown[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const consumer = client.consume(topic, 'workers', async (m) => {
      attempts.push(`${m.text()}#${m.attempt}`);
      // Well past its lease; every other handler returns at once, far inside one.
      if (m.attempt === 1 && m.text() === 'slow') await new Promise((r) => setTimeout(r, 1600));
      if (attempts.includes('slow#2') && attempts.some((a) => a.startsWith('quick'))) done();
    }, { prefetch: 1, leaseMs: 1000, waitMs: 100, onError: (e) => errors.push(e) });
    await finished;
    await consumer.stop();
    expect(attempts.slice(0, 1)).toEqual(['slow#1']);
    expect(attempts).toContain('slow#2');
    expect(errors.some((e) => e instanceof QueueApiError && e.code === 'stale_receipt')).toBe(true);
    expect(consumer.state).toBe('stopped');
    expect((await client.describeSubscription(topic, 'workers')).counts).toMatchObject({ depth: 0, inFlight: 0 });
  });

  it('fails with the API error when the subscription is deleted under it (no retry can mend a 404)', async () => {
    const { topic, client } = await freshQueue();
    const consumer = client.consume(topic, 'workers', () => {}, { waitMs: 100 });
    await client.deleteSubscription(topic, 'workers');
    const err = await consumer.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueApiError);
    expect((err as QueueApiError).status).toBe(404);
    expect(consumer.state).toBe('failed');
    await expect(consumer.stop()).rejects.toBe(err);
  });
});

describe('QueueClient.consume without a server', () => {
  it('keeps retrying receives that fail on the network, reporting each to onError, until stop()', async () => {
    const client = new QueueClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    const errors: unknown[] = [];
    const consumer = client.consume('t', 's', () => {}, { onError: (e) => errors.push(e) });
    await new Promise((r) => setTimeout(r, 400));
    expect(consumer.state).toBe('running');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    await consumer.stop();
    expect(consumer.state).toBe('stopped');
    client.close();
  });

  /** A broker stand-in for the consumer's failure paths: `receive` answers the first call with
   * `first`, later ones as `carrying` says when they carry acks (else nothing); every call is logged. */
  function scriptedApi(first: string[], carrying: (ack: string[]) => never | QueueMessage[]) {
    const calls: string[] = [];
    const api = {
      async receive(_t: string, _s: string, o: { ack?: string[] }): Promise<QueueMessage[]> {
        calls.push(`receive${o.ack ? ` ack=${o.ack.join(',')}` : ''}`);
        await new Promise((r) => setTimeout(r, 5)); // a long poll's wait
        if (calls.length === 1) return first.map((receipt) => ({ receipt }) as QueueMessage);
        return o.ack ? carrying(o.ack) : [];
      },
      async ack(receipts: string[]) {
        calls.push(`ack ${receipts.join(',')}`);
      },
      async nack() {
        return {};
      },
    };
    return { api, calls };
  }

  async function runBriefly(api: ConsumerApi, ms: number): Promise<unknown[]> {
    const errors: unknown[] = [];
    const consumer = startConsumer(api, 't', 's', () => {}, { prefetch: 1, onError: (e) => errors.push(e) });
    await new Promise((r) => setTimeout(r, ms));
    await consumer.stop();
    return errors;
  }

  it('sends the acks a failed receive carried on their own, since they may not have been applied', async () => {
    const { api, calls } = scriptedApi(['r1'], () => {
      throw new TypeError('fetch failed');
    });
    const errors = await runBriefly(api, 150);
    expect(calls.slice(0, 4)).toEqual(['receive', 'receive ack=r1', 'ack r1', 'receive']);
    expect(errors).toEqual([expect.any(TypeError)]);
  });

  it('when the broker refuses some acks a receive carried, acks the others on their own', async () => {
    const { api, calls } = scriptedApi(['r1', 'r2', 'r3'], () => {
      throw new QueueApiError(409, 'stale_receipt', '1 of 3 receipts rejected', { failures: [{ index: 1, code: 'STALE_RECEIPT', message: 'the lease expired' }] });
    });
    const errors = await runBriefly(api, 100);
    expect(calls.slice(0, 4)).toEqual(['receive', 'receive ack=r1,r2,r3', 'ack r1,r3', 'receive']);
    expect(errors).toEqual([expect.objectContaining({ code: 'stale_receipt' })]);
  });

  it('refuses a prefetch or concurrency out of range before starting', () => {
    const client = new QueueClient({ baseUrl: 'http://127.0.0.1:9', token: 't' });
    expect(() => client.consume('t', 's', () => {}, { prefetch: 0 })).toThrow(RangeError);
    expect(() => client.consume('t', 's', () => {}, { prefetch: 2001 })).toThrow('prefetch must be an integer in [1, 2000]');
    expect(() => client.consume('t', 's', () => {}, { concurrency: 0 })).toThrow('concurrency must be a positive integer');
  });
});
