/**
 * python3-confluent-kafka (librdkafka 2.0.2, Debian's /usr/bin/python3) against the real broker:
 * produce with every compression codec (acks=all, delivery reports), consume in a group with
 * synchronous commits, resume from committed offsets, AdminClient create_topics, and two
 * consumer processes splitting a 4-partition topic. The driver is confluent-kafka-client.py.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../../broker/records/decoder.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./confluent-kafka-client.py', import.meta.url));

interface Msg {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}
interface ConsumeResult {
  messages: Msg[];
  errors: string[];
  committed: { partition: number; offset: number }[];
  assignment: number[] | null;
}
interface ProduceResult {
  undelivered: number;
  reports: { error: string | null; partition: number; offset: number; key: string | null }[];
}

interface Running {
  lines: () => Record<string, unknown>[];
  done: Promise<Record<string, unknown>>;
}

function runPy(args: Record<string, unknown>, timeoutMs = 30_000): Running {
  const child = spawn(PYTHON, [SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const parse = () =>
    out
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const done = new Promise<Record<string, unknown>>((resolve, reject) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = parse();
      const last = lines[lines.length - 1];
      if (code !== 0 || !last || 'event' in last) reject(new Error(`python ${String(args.cmd)} exited ${code}\n${out}\n${err}`));
      else resolve(last);
    }),
  );
  return { lines: parse, done };
}

const hex = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('hex');

function makeMessages(n: number, tag: string, partitions?: number) {
  return Array.from({ length: n }, (_, i) => ({
    key: hex(`${tag}-key-${i}`),
    // Binary, non-UTF-8 bytes plus repetitive text so the codecs have something to compress.
    value: hex(Buffer.concat([Buffer.from([0, 255, 254, i & 0xff]), Buffer.from(`value ${i} ✓ ${'x'.repeat(40 + i)}`)])),
    headers: [
      ['trace', hex(`t-${i}`)],
      ['bin', hex(Buffer.from([0, 1, 2, 0xff]))],
      ['trace', hex('dup')],
    ] as [string, string][],
    ...(partitions ? { partition: i % partitions } : {}),
  }));
}

let broker: TestBroker;
let bootstrap: string;

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing (apt-get install -y python3-confluent-kafka)`);
  broker = await startTestBroker();
  bootstrap = `127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
});

describe('python confluent-kafka (librdkafka 2.0.2)', () => {
  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'produce with %s (acks=all), consume in a group byte-exact, a second run resumes from committed offsets',
    async (codec) => {
      const topic = `ck-${codec}`;
      const group = `ck-group-${codec}`;
      const msgs = makeMessages(30, codec);
      const produced = (await runPy({ cmd: 'produce', bootstrap, topic, compression: codec, messages: msgs }).done) as unknown as ProduceResult;
      expect(produced.undelivered).toBe(0);
      expect(produced.reports).toHaveLength(30);
      expect(produced.reports.every((r) => r.error === null)).toBe(true);
      expect(produced.reports.map((r) => r.offset)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(produced.reports.map((r) => r.key)).toEqual(msgs.map((m) => m.key));
      // The broker stored what librdkafka compressed, with that codec.
      const stored = await decodeBatches((await broker.store.read(topic, 0, 0, 1 << 20)).bytes);
      expect(stored.map((b) => b.header.compression)).toContain(codec);
      expect(stored.every((b) => b.header.compression === codec || b.header.compression === 'none')).toBe(true);

      const first = (await runPy({ cmd: 'consume', bootstrap, topic, group, expect: 30, idle_ms: 3000 }).done) as unknown as ConsumeResult;
      expect(first.errors).toEqual([]);
      expect(first.messages.map((m) => [m.offset, m.key, m.value, m.headers])).toEqual(
        msgs.map((m, i) => [i, m.key, m.value, m.headers]),
      );
      expect(first.committed).toEqual([{ partition: 0, offset: 30 }]);

      // Second run of the same group: only what was produced since.
      const more = makeMessages(3, `${codec}-more`);
      const produced2 = (await runPy({ cmd: 'produce', bootstrap, topic, compression: codec, messages: more }).done) as unknown as ProduceResult;
      expect(produced2.reports.map((r) => r.offset)).toEqual([30, 31, 32]);
      const second = (await runPy({ cmd: 'consume', bootstrap, topic, group, idle_ms: 1500 }).done) as unknown as ConsumeResult;
      expect(second.errors).toEqual([]);
      expect(second.messages.map((m) => [m.offset, m.key, m.value, m.headers])).toEqual(
        more.map((m, i) => [30 + i, m.key, m.value, m.headers]),
      );
      expect(second.committed).toEqual([{ partition: 0, offset: 33 }]);
    },
  );

  it('AdminClient creates a 4-partition topic; two consumer processes split it and consume everything exactly once', async () => {
    const topic = 'ck-split';
    const group = 'ck-split-group';
    const created = await runPy({ cmd: 'create_topics', bootstrap, topics: [topic], partitions: 4 }).done;
    expect(created).toEqual({ created: { [topic]: null }, topics: { [topic]: [0, 1, 2, 3] } });

    const c1 = runPy({ cmd: 'consume', bootstrap, topic, group, idle_ms: 2500, wait_first: true, max_ms: 40_000 }, 45_000);
    const c2 = runPy({ cmd: 'consume', bootstrap, topic, group, idle_ms: 2500, wait_first: true, max_ms: 40_000 }, 45_000);
    const latest = (r: Running) => {
      const a = r.lines().filter((l) => l.event === 'assigned');
      return (a[a.length - 1]?.partitions as number[] | undefined) ?? [];
    };
    // Wait for the group to settle on a split: two partitions each, disjoint.
    await expect
      .poll(() => [latest(c1).length, latest(c2).length, [...latest(c1), ...latest(c2)].sort()], { timeout: 25_000, interval: 200 })
      .toEqual([2, 2, [0, 1, 2, 3]]);

    const msgs = makeMessages(40, 'split', 4);
    const produced = (await runPy({ cmd: 'produce', bootstrap, topic, messages: msgs }).done) as unknown as ProduceResult;
    expect(produced.undelivered).toBe(0);
    expect(produced.reports.every((r) => r.error === null)).toBe(true);

    const [r1, r2] = (await Promise.all([c1.done, c2.done])) as unknown as [ConsumeResult, ConsumeResult];
    expect(r1.errors).toEqual([]);
    expect(r2.errors).toEqual([]);
    expect(r1.messages.length).toBeGreaterThan(0);
    expect(r2.messages.length).toBeGreaterThan(0);
    expect(new Set(r1.messages.map((m) => m.partition)).size).toBe(2);
    expect(new Set(r2.messages.map((m) => m.partition)).size).toBe(2);
    const all = [...r1.messages, ...r2.messages];
    expect(all).toHaveLength(40);
    const byKey = new Map(all.map((m) => [m.key, m]));
    expect(byKey.size).toBe(40);
    for (const [i, m] of msgs.entries()) {
      const got = byKey.get(m.key)!;
      expect(got).toBeDefined();
      expect([got.partition, got.offset, got.value, got.headers]).toEqual([i % 4, Math.floor(i / 4), m.value, m.headers]);
    }
  }, 60_000);
});
