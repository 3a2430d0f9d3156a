/**
 * librdkafka (kcat 1.7 / librdkafka 2.0.2 on Debian bookworm) against the real broker: metadata,
 * produce with every compression codec, consume byte-exact, offsets by time, and a consumer
 * long-polling for data that arrives later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../../../broker/kafka/handlers/index.js';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { kcat, requireKcat, spawnKcat } from './kcat.js';

let broker: TestBroker;
let bootstrap: string;

beforeAll(async () => {
  requireKcat();
  broker = await startTestBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
});

describe('kcat (librdkafka)', () => {
  it('-L lists the broker (as controller) and the topics', async () => {
    await broker.store.createTopic('listed', 3);
    const { stdout } = await kcat(['-b', bootstrap, '-L', '-t', 'listed']);
    const text = stdout.toString();
    expect(text).toContain(`broker 0 at 127.0.0.1:${broker.port} (controller)`);
    expect(text).toContain('topic "listed" with 3 partitions');
    expect(text).toMatch(/partition 2, leader 0, replicas: 0, isrs: 0/);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])('-P -z %s then -C reads back keys and values byte-exact', async (codec) => {
    const topic = `kcat-${codec}`;
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value ${i} ✓ ${'x'.repeat(i)}`);
    await kcat(['-b', bootstrap, '-P', '-t', topic, '-K:', '-z', codec, '-X', 'linger.ms=5'], { input: lines.join('\n') + '\n' });
    // What the broker stored really is compressed with that codec (librdkafka may leave a batch
    // uncompressed when compressing would not shrink it). librdkafka 2.0.2 enables LZ4 only when
    // the broker advertises FindCoordinator v0 (kafka-protocol.md §1.2), which arrives with the
    // group coordinator; until then it sends LZ4-configured batches uncompressed.
    const lz4Enabled = HANDLERS.some((h) => h.api.apiKey === 10);
    const expected = codec === 'lz4' && !lz4Enabled ? 'none' : codec;
    const read = await broker.store.read(topic, 0, 0, 1 << 20);
    const batches = await decodeBatches(read.bytes);
    const codecs = batches.map((b) => b.header.compression);
    expect(codecs).toContain(expected);
    expect(codecs.every((c) => c === expected || c === 'none')).toBe(true);
    const { stdout } = await kcat(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k:%s\n']);
    expect(stdout.toString()).toBe(lines.join('\n') + '\n');
  });

  it('-P -H headers are stored and -C %h prints them', async () => {
    await kcat(['-b', bootstrap, '-P', '-t', 'kcat-headers', '-K:', '-H', 'trace=abc', '-H', 'origin=test'], { input: 'k1:v1\n' });
    const { stdout } = await kcat(['-b', bootstrap, '-C', '-t', 'kcat-headers', '-o', 'beginning', '-e', '-f', '%k %s %h\n']);
    expect(stdout.toString()).toBe('k1 v1 trace=abc,origin=test\n');
  });

  it('-C -o <offset> and -c stop where asked; -Q finds offsets by timestamp', async () => {
    const before = Date.now();
    await kcat(['-b', bootstrap, '-P', '-t', 'kcat-offsets'], { input: 'a\nb\nc\nd\n' });
    const { stdout } = await kcat(['-b', bootstrap, '-C', '-t', 'kcat-offsets', '-o', '2', '-e', '-f', '%o=%s\n']);
    expect(stdout.toString()).toBe('2=c\n3=d\n');
    const q = await kcat(['-b', bootstrap, '-Q', '-t', `kcat-offsets:0:${before - 60_000}`]);
    expect(q.stdout.toString()).toContain('kcat-offsets [0] offset 0');
    const future = await kcat(['-b', bootstrap, '-Q', '-t', `kcat-offsets:0:${Date.now() + 3_600_000}`]);
    expect(future.stdout.toString()).toContain('kcat-offsets [0] offset -1');
  });

  it('a consumer at the end gets a message produced later within its long poll, not after', async () => {
    await broker.store.createTopic('kcat-live', 1);
    const consumer = spawnKcat(['-b', bootstrap, '-C', '-t', 'kcat-live', '-o', 'end', '-c', '1', '-f', '%s\n', '-X', 'fetch.wait.max.ms=5000']);
    try {
      // Let the consumer connect and park its Fetch at the log end.
      await expect.poll(() => broker.server.connections(), { timeout: 10_000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1000));
      const started = Date.now();
      await kcat(['-b', bootstrap, '-P', '-t', 'kcat-live'], { input: 'live!\n' });
      const code = await consumer.exited;
      expect(code).toBe(0);
      expect(consumer.stdout()).toBe('live!\n');
      // Woken by the append, not by the 5 s fetch.wait.max.ms.
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      consumer.child.kill();
    }
  });
});
