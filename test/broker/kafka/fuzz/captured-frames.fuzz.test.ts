/**
 * Mutation fuzzing of REAL client traffic against the whole Kafka server (listener, codecs,
 * dispatcher, handlers, storage, group coordinator).
 *
 * Frames are captured from kafkajs (producer with headers and gzip, a consumer group that joins,
 * syncs, fetches and commits, admin create/describe/delete) by tapping its sockets, and from
 * librdkafka (kcat's bootstrap connection, through a recording TCP proxy). fast-check then
 * mutates them — bit flips, overwritten bytes, truncation with and without a consistent size
 * prefix, appended junk, random size prefixes, random API keys and versions — and sends each to
 * the server on a fresh connection, followed by a valid ApiVersions request.
 *
 * What must hold: the process never throws (no uncaught exception or unhandled rejection), the
 * server never logs at error level (a bad frame is the client's fault, logged as a warning with a
 * reason), every connection is answered or closed, and afterwards a well-behaved client still
 * produces and consumes.
 */
import { execFile } from 'node:child_process';
import { connect, createServer, Socket, type Server } from 'node:net';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { Kafka, CompressionTypes, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';

const run = promisify(execFile);

/** Splits a byte stream into size-prefixed frames (prefix included). */
class FrameSplitter {
  private buf = Buffer.alloc(0);
  constructor(private readonly onFrame: (frame: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      this.onFrame(Buffer.from(this.buf.subarray(0, 4 + size)));
      this.buf = this.buf.subarray(4 + size);
    }
  }
}

/** A kafkajs socket factory that records every byte kafkajs writes. */
function recordingSocketFactory(frames: Buffer[]) {
  return ({ host, port, onConnect }: { host: string; port: number; ssl: unknown; onConnect: () => void }) => {
    const socket = connect({ host, port }, onConnect);
    const splitter = new FrameSplitter((f) => frames.push(f));
    const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
    (socket as unknown as { write: (...a: unknown[]) => boolean }).write = (data: unknown, ...rest: unknown[]) => {
      if (Buffer.isBuffer(data)) splitter.push(data);
      return write(data, ...rest);
    };
    return socket;
  };
}

/** A TCP proxy in front of the broker that records client→broker frames. */
async function recordingProxy(targetPort: number, frames: Buffer[]): Promise<{ server: Server; port: number }> {
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    const splitter = new FrameSplitter((f) => frames.push(f));
    client.on('data', (d: Buffer) => {
      splitter.push(d);
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

const apiKeyOf = (frame: Buffer) => frame.readInt16BE(4);

/** A valid ApiVersions v0 request frame. */
function apiVersionsFrame(correlationId: number): Buffer {
  const b = Buffer.alloc(4 + 10);
  b.writeInt32BE(10, 0);
  b.writeInt16BE(18, 4);
  b.writeInt16BE(0, 6);
  b.writeInt32BE(correlationId, 8);
  b.writeInt16BE(-1, 12);
  return b;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'overwrite'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number; fixSize: boolean }
  | { kind: 'append'; bytes: number[]; fixSize: boolean }
  | { kind: 'size'; size: number }
  | { kind: 'version'; version: number }
  | { kind: 'apiKey'; apiKey: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), fixSize: fc.boolean() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 32 }), fixSize: fc.boolean() }),
  fc.record({ kind: fc.constant('size' as const), size: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 512 })) }),
  fc.record({ kind: fc.constant('version' as const), version: fc.integer({ min: -1, max: 20 }) }),
  fc.record({ kind: fc.constant('apiKey' as const), apiKey: fc.integer({ min: -1, max: 80 }) }),
);

/** Applies a mutation to a frame (size prefix included); positions wrap into the frame. */
function mutate(frame: Buffer, m: Mutation): Buffer {
  const out = Buffer.from(frame);
  const body = (at: number) => 4 + (at % Math.max(1, out.length - 4));
  const fix = (b: Buffer) => (b.writeInt32BE(b.length - 4, 0), b);
  switch (m.kind) {
    case 'flip':
      out[body(m.at)]! ^= 1 << m.bit;
      return out;
    case 'overwrite': {
      const at = body(m.at);
      m.bytes.forEach((v, i) => {
        if (at + i < out.length) out[at + i] = v;
      });
      return out;
    }
    case 'truncate': {
      const cut = out.subarray(0, body(m.at));
      return m.fixSize ? fix(Buffer.from(cut)) : Buffer.from(cut);
    }
    case 'append': {
      const grown = Buffer.concat([out, Buffer.from(m.bytes)]);
      return m.fixSize ? fix(grown) : grown;
    }
    case 'size':
      out.writeInt32BE(m.size, 0);
      return out;
    case 'version':
      if (out.length >= 8) out.writeInt16BE(m.version, 6);
      return out;
    case 'apiKey':
      if (out.length >= 6) out.writeInt16BE(m.apiKey, 4);
      return out;
  }
}

/**
 * Sends `frame` then a valid ApiVersions request on a fresh connection and waits until the
 * server either answers the ApiVersions request or closes the connection. A frame that is still
 * a valid long poll (Fetch with a large max wait) may legitimately hold the answer back: after
 * `patienceMs` the client hangs up, which the server must also survive.
 */
async function probe(port: number, frame: Buffer, patienceMs: number): Promise<'answered' | 'closed' | 'hung-up'> {
  const socket = new Socket();
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.connect(port, '127.0.0.1', resolve).once('error', reject));
  const marker = 0x5afe;
  return await new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const done = (how: 'answered' | 'closed' | 'hung-up') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(how);
    };
    const timer = setTimeout(() => done('hung-up'), patienceMs);
    socket.on('data', (d: Buffer) => {
      received = Buffer.concat([received, d]);
      // Responses come in request order; look for the ApiVersions correlation id at a frame start.
      let at = 0;
      while (received.length - at >= 8) {
        const size = received.readInt32BE(at);
        if (received.length - at < 4 + size) break;
        if (received.readInt32BE(at + 4) === marker) return done('answered');
        at += 4 + size;
      }
    });
    socket.on('close', () => done('closed'));
    socket.write(Buffer.concat([frame, apiVersionsFrame(marker)]));
  });
}

describe('mutated real client frames against the whole server', () => {
  let broker: TestBroker;
  const corpus: Buffer[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    broker = await startTestBroker();

    // kafkajs: admin, producer (keys, headers, gzip), consumer group with commits.
    const kafka = new Kafka({ clientId: 'fuzz-capture', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, socketFactory: recordingSocketFactory(corpus) });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'fuzz-a', numPartitions: 2 }, { topic: 'fuzz-doomed' }] });
    await admin.describeConfigs({ resources: [{ type: 2, name: 'fuzz-a' }], includeSynonyms: false });
    await admin.deleteTopics({ topics: ['fuzz-doomed'] });
    const producer = kafka.producer();
    await producer.connect();
    for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
      await producer.send({ topic: 'fuzz-a', compression, messages: [{ key: 'k1', value: 'v1', headers: { h: 'x' } }, { key: 'k2', value: JSON.stringify({ a: 1 }) }] });
    }
    const consumer = kafka.consumer({ groupId: 'fuzz-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'fuzz-a', fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    const deadline = Date.now() + 30_000;
    while (seen < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    await producer.disconnect();
    await admin.fetchOffsets({ groupId: 'fuzz-group', topics: ['fuzz-a'] });
    await admin.disconnect();

    // librdkafka: kcat's bootstrap connection (ApiVersions, Metadata) through a recording proxy.
    const proxy = await recordingProxy(broker.port, corpus);
    await run('kcat', ['-L', '-b', `127.0.0.1:${proxy.port}`, '-t', 'fuzz-a'], { timeout: 20_000 }).catch(() => {});
    await new Promise<void>((r) => proxy.server.close(() => r()));
  }, 120_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await broker?.close();
  });

  it('captured frames of many APIs from two client libraries', () => {
    const apis = new Set(corpus.map(apiKeyOf));
    // Produce, Fetch, ListOffsets, Metadata, OffsetCommit, OffsetFetch, FindCoordinator,
    // JoinGroup, SyncGroup, ApiVersions, CreateTopics, DeleteTopics at least.
    for (const key of [0, 1, 2, 3, 8, 9, 10, 11, 14, 18, 19, 20]) expect(apis, `API key ${key} captured`).toContain(key);
    expect(corpus.length).toBeGreaterThan(20);
  });

  it('every mutated frame is answered or closes only its own connection; nothing throws or logs an error', async () => {
    const outcomes = { answered: 0, closed: 0, 'hung-up': 0 };
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (pick, mutations) => {
        const original = corpus[pick % corpus.length]!;
        const frame = mutations.reduce(mutate, original);
        outcomes[await probe(broker.port, frame, 1500)]++;
        expect(uncaught).toEqual([]);
      }),
      { numRuns: Number(process.env.SLUICE_FUZZ_RUNS ?? 150), endOnFailure: true },
    );
    // Both kinds of outcome happen, or the mutations are not reaching the decoders.
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.closed).toBeGreaterThan(0);
    const errors = broker.logger.entries.filter((e) => e.level === 'error');
    expect(errors, JSON.stringify(errors.slice(0, 3))).toEqual([]);
    // Client faults are explained: every closed connection left a warning with a reason.
    expect(broker.logger.entries.some((e) => e.level === 'warn')).toBe(true);
  }, 600_000);

  it('afterwards a well-behaved client still produces and consumes', async () => {
    const kafka = new Kafka({ clientId: 'fuzz-after', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING });
    const topic = `fuzz-after-${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'a', value: 'still works' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `fuzz-after-${Date.now()}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const got = await new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
    await consumer.disconnect();
    expect(got).toBe('still works');
    expect(uncaught).toEqual([]);
  }, 120_000);
});
