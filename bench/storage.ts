/**
 * Storage engine benchmark: `npm run bench:storage [-- --json] [-- --filter <regexp over row labels>]`.
 *
 * Measures FileLogStore.append throughput for 100 B and 1 KiB messages in batches of 1, 100 and
 * 1000 records under `sync` (ack after fdatasync, group commit) and `interval` (ack after write),
 * with CONCURRENCY appends in flight on one partition (like that many producers), plus sequential
 * read throughput via read() with 1 MiB maxBytes. The peer is the file system itself: a raw
 * single-writer `write + fdatasync` loop (and a raw `write` loop for `interval`) of the same batch
 * bytes, run in the same process, so the store's overhead shows as a ratio.
 *
 * Env: SLUICE_BENCH_DURATION_MS (3000), SLUICE_BENCH_WARMUP_MS (1000),
 *      SLUICE_BENCH_CONCURRENCY (8), SLUICE_BENCH_DIR (os.tmpdir()),
 *      SLUICE_BENCH_FLUSH_INTERVAL_MS (store default when unset).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FileLogStore } from '../broker/storage/file-log-store.js';
import type { FlushPolicy } from '../broker/storage/types.js';
import type { Logger } from '../broker/logger.js';
import { BATCH } from '../broker/records/batch-header.js';
import { encodeBatch } from '../broker/records/encoder.js';
import { LatencyRecorder, formatTable, machineInfo } from './lib/report.js';

const DURATION_MS = Number(process.env.SLUICE_BENCH_DURATION_MS ?? 3000);
const WARMUP_MS = Number(process.env.SLUICE_BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.SLUICE_BENCH_CONCURRENCY ?? 8);
const BASE_DIR = process.env.SLUICE_BENCH_DIR ?? os.tmpdir();
const FLUSH_INTERVAL_MS = process.env.SLUICE_BENCH_FLUSH_INTERVAL_MS ? Number(process.env.SLUICE_BENCH_FLUSH_INTERVAL_MS) : undefined;
const READ_MAX_BYTES = 1024 * 1024;

const args = process.argv.slice(2);
const JSON_OUT = args.includes('--json');
const filterIdx = args.indexOf('--filter');
const FILTER = filterIdx >= 0 ? args[filterIdx + 1] : undefined;

const MESSAGE_SIZES = [100, 1024];
const BATCH_RECORDS = [1, 100, 1000];

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: (m, f) => console.error('store warn:', m, f ?? ''),
  error: (m, f) => console.error('store error:', m, f ?? ''),
};

export interface AppendRow {
  kind: 'store' | 'raw';
  /** sync | interval for the store; fdatasync | write for the raw loop. */
  mode: string;
  messageBytes: number;
  recordsPerBatch: number;
  batchBytes: number;
  concurrency: number;
  seconds: number;
  messages: number;
  messagesPerSec: number;
  payloadMBPerSec: number;
  logMBPerSec: number;
  appends: number;
  fsyncs: number;
  fsyncPerAppend: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** store msgs/s divided by the matching raw loop's msgs/s (sync↔write+fdatasync, interval↔write). */
  vsRaw?: number;
  /** sync rows: store msgs/s divided by the raw writev×CONCURRENCY+fdatasync loop (group-commit ceiling). */
  vsRawGroup?: number;
}

export interface ReadRow {
  messageBytes: number;
  recordsPerBatch: number;
  logBytes: number;
  messages: number;
  seconds: number;
  MBPerSec: number;
  messagesPerSec: number;
  reads: number;
}

interface Window {
  start: number;
  end: number;
}

/** Runs `step` from `workers` loops: warm-up, then a measured window; returns completions inside it. */
async function drive(workers: number, step: () => Promise<void>, onWindow: { start?: () => void; end?: () => void }, rec: LatencyRecorder): Promise<{ ops: number; window: Window }> {
  let phase: 'warmup' | 'measure' | 'stop' = 'warmup';
  let ops = 0;
  const window: Window = { start: 0, end: 0 };
  const loop = async () => {
    while (phase !== 'stop') {
      const t = performance.now();
      await step();
      const done = performance.now();
      if (phase === 'measure' && t >= window.start) {
        ops++;
        rec.add(done - t);
      }
    }
  };
  const loops = Array.from({ length: workers }, loop);
  await sleep(WARMUP_MS);
  onWindow.start?.();
  window.start = performance.now();
  phase = 'measure';
  await sleep(DURATION_MS);
  phase = 'stop';
  window.end = performance.now();
  onWindow.end?.();
  await Promise.all(loops);
  return { ops, window };
}

async function storeAppendRow(policy: FlushPolicy, messageBytes: number, records: number): Promise<{ row: AppendRow; dir: string; store: FileLogStore }> {
  const dir = await mkdtemp(path.join(BASE_DIR, 'sluice-bench-'));
  const store = new FileLogStore({ dataDir: dir, flushPolicy: policy, logger: quiet, ...(FLUSH_INTERVAL_MS !== undefined ? { flushIntervalMs: FLUSH_INTERVAL_MS } : {}) });
  await store.open();
  await store.createTopic('bench', 1, { retentionMs: -1, retentionBytes: -1, maxMessageBytes: 16 * 1024 * 1024 });
  const template = await templateBatch(records, messageBytes);
  const rec = new LatencyRecorder();
  let s0 = store.stats();
  let s1 = s0;
  const { ops, window } = await drive(
    CONCURRENCY,
    async () => {
      // A fresh buffer per append, as a producer request would be: the store rewrites baseOffset
      // in place and may keep the buffer (tail cache) after the append resolves.
      const b = Buffer.allocUnsafeSlow(template.length);
      template.copy(b);
      await store.append('bench', 0, b);
    },
    { start: () => (s0 = store.stats()), end: () => (s1 = store.stats()) },
    rec,
  );
  const seconds = (window.end - window.start) / 1000;
  const messages = ops * records;
  const appends = s1.appends - s0.appends;
  const fsyncs = s1.fsyncs - s0.fsyncs;
  return {
    dir,
    store,
    row: {
      kind: 'store',
      mode: policy,
      messageBytes,
      recordsPerBatch: records,
      batchBytes: template.length,
      concurrency: CONCURRENCY,
      seconds,
      messages,
      messagesPerSec: messages / seconds,
      payloadMBPerSec: (messages * messageBytes) / 1e6 / seconds,
      logMBPerSec: (ops * template.length) / 1e6 / seconds,
      appends,
      fsyncs,
      fsyncPerAppend: appends > 0 ? fsyncs / appends : 0,
      latencyMs: rec.summary(),
    },
  };
}

async function readRow(dir: string, messageBytes: number, records: number): Promise<ReadRow> {
  const store = new FileLogStore({ dataDir: dir, flushPolicy: 'sync', logger: quiet });
  await store.open();
  try {
    const { logStartOffset, logEndOffset } = store.offsets('bench', 0);
    let next = logStartOffset;
    let bytes = 0;
    let messages = 0;
    let reads = 0;
    const t0 = performance.now();
    while (next < logEndOffset) {
      const r = await store.read('bench', 0, next, READ_MAX_BYTES);
      reads++;
      if (r.bytes.length === 0) throw new Error(`read(${next}) returned nothing below log end ${logEndOffset}`);
      // Walk batch headers only (what a Fetch handler does): count records, find the next offset.
      let pos = 0;
      while (pos + BATCH.OVERHEAD <= r.bytes.length) {
        const size = r.bytes.readInt32BE(pos + BATCH.BATCH_LENGTH) + BATCH.LOG_OVERHEAD;
        if (pos + size > r.bytes.length) break;
        messages += r.bytes.readInt32BE(pos + BATCH.RECORDS_COUNT);
        next = Number(r.bytes.readBigInt64BE(pos + BATCH.BASE_OFFSET)) + r.bytes.readInt32BE(pos + BATCH.LAST_OFFSET_DELTA) + 1;
        pos += size;
      }
      if (pos === 0) throw new Error(`read(${next}) returned ${r.bytes.length} bytes without a whole batch`);
      bytes += pos;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { messageBytes, recordsPerBatch: records, logBytes: bytes, messages, seconds, MBPerSec: bytes / 1e6 / seconds, messagesPerSec: messages / seconds, reads };
  } finally {
    await store.close();
  }
}

/** The ceiling: the same batch bytes appended with positional writes by one writer, no store.
 * `group` > 1 writes that many copies with one writev before each fdatasync: what group commit
 * with `group` appends in flight could at best achieve. */
async function rawRow(fsync: boolean, messageBytes: number, records: number, group = 1): Promise<AppendRow> {
  const dir = await mkdtemp(path.join(BASE_DIR, 'sluice-bench-raw-'));
  const template = await templateBatch(records, messageBytes);
  const groupBuffers = Array.from({ length: group }, () => template);
  const fd = fs.openSync(path.join(dir, 'raw.log'), 'w');
  let pos = 0;
  let writes = 0;
  let syncs = 0;
  let w0 = 0;
  let f0 = 0;
  let w1 = 0;
  let f1 = 0;
  const rec = new LatencyRecorder();
  try {
    const { ops, window } = await drive(
      1,
      async () => {
        if (group === 1) {
          await new Promise<void>((resolve, reject) => fs.write(fd, template, 0, template.length, pos, (err) => (err ? reject(err) : resolve())));
        } else {
          await new Promise<void>((resolve, reject) => fs.writev(fd, groupBuffers, pos, (err) => (err ? reject(err) : resolve())));
        }
        pos += template.length * group;
        writes += group;
        if (fsync) {
          await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
          syncs++;
        }
      },
      { start: () => ((w0 = writes), (f0 = syncs)), end: () => ((w1 = writes), (f1 = syncs)) },
      rec,
    );
    const seconds = (window.end - window.start) / 1000;
    const messages = ops * records * group;
    return {
      kind: 'raw',
      mode: fsync ? (group > 1 ? `writev×${group}+fdatasync` : 'write+fdatasync') : 'write',
      messageBytes,
      recordsPerBatch: records,
      batchBytes: template.length,
      concurrency: 1,
      seconds,
      messages,
      messagesPerSec: messages / seconds,
      payloadMBPerSec: (messages * messageBytes) / 1e6 / seconds,
      logMBPerSec: (ops * group * template.length) / 1e6 / seconds,
      appends: w1 - w0,
      fsyncs: f1 - f0,
      fsyncPerAppend: w1 > w0 ? (f1 - f0) / (w1 - w0) : 0,
      latencyMs: rec.summary(),
    };
  } finally {
    fs.closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts each row with no dirty pages left by the previous one (its writeback would otherwise
 * throttle this row's writes), and lets the disk settle for a moment. */
async function settle(): Promise<void> {
  try {
    execFileSync('sync');
  } catch {
    // not fatal: only affects noise between rows
  }
  await sleep(200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(): Promise<void> {
  const machine = machineInfo(BASE_DIR);
  const viaNpm = process.env.npm_lifecycle_event === 'bench:storage';
  const envSet = Object.keys(process.env).filter((k) => k.startsWith('SLUICE_BENCH_')).sort().map((k) => `${k}=${process.env[k]}`);
  const command = [...envSet, viaNpm ? `npm run bench:storage${args.length ? ' --' : ''}` : 'npx tsx bench/storage.ts', ...args].join(' ');
  console.log(`# Sluice storage benchmark`);
  console.log(`command: ${command}`);
  console.log(`machine: ${machine.cpus}× ${machine.cpuModel}, ${machine.memGiB} GiB RAM, ${machine.platform} ${machine.kernel}, node ${machine.node}, data under ${BASE_DIR} (${machine.fs}); load average at start ${loadAvg()}`);
  console.log(`settings: ${DURATION_MS} ms measured after ${WARMUP_MS} ms warm-up per row; ${CONCURRENCY} appends in flight on 1 partition (store rows); raw rows: 1 writer; fresh temp dir per row, sync(1) before each; flushIntervalMs ${FLUSH_INTERVAL_MS ?? 'store default'}`);
  console.log('');

  const appendRows: AppendRow[] = [];
  const readRows: ReadRow[] = [];
  // --filter takes a regular expression over row labels such as `store sync 100B x1000`, `raw group 1024B x1`, `read 100B x100`.
  const filter = FILTER ? new RegExp(FILTER) : undefined;
  const want = (label: string) => !filter || filter.test(label);

  for (const size of MESSAGE_SIZES) {
    for (const records of BATCH_RECORDS) {
      const tag = `${size}B x${records}`;
      const raw: Record<string, AppendRow> = {};
      for (const [fsync, group] of [[true, 1], [true, CONCURRENCY], [false, 1]] as const) {
        const label = `raw ${fsync ? (group > 1 ? 'group' : 'fdatasync') : 'write'} ${tag}`;
        if (!want(label)) continue;
        await settle();
        const row = await rawRow(fsync, size, records, group);
        raw[fsync ? (group > 1 ? 'group' : 'fdatasync') : 'write'] = row;
        appendRows.push(row);
        progress(label, row);
      }
      for (const policy of ['sync', 'interval'] as const) {
        const label = `store ${policy} ${tag}`;
        if (!want(label)) continue;
        await settle();
        const { row, dir, store } = await storeAppendRow(policy, size, records);
        const peer = raw[policy === 'sync' ? 'fdatasync' : 'write'];
        if (peer) row.vsRaw = row.messagesPerSec / peer.messagesPerSec;
        const groupPeer = raw.group;
        if (policy === 'sync' && groupPeer) row.vsRawGroup = row.messagesPerSec / groupPeer.messagesPerSec;
        appendRows.push(row);
        progress(label, row);
        await store.close();
        try {
          if (policy === 'sync' && want(`read ${tag}`)) {
            const r = await readRow(dir, size, records);
            readRows.push(r);
            console.error(`  read ${tag}: ${fmtInt(r.messagesPerSec)} msg/s, ${r.MBPerSec.toFixed(0)} MB/s over ${(r.logBytes / 1e6).toFixed(0)} MB`);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
    }
  }

  console.log('## Append throughput');
  console.log(
    formatTable(
      ['msg', 'recs/batch', 'path', 'in flight', 'msgs/s', 'payload MB/s', 'appends', 'fsyncs', 'fsync/append', 'p50 ms', 'p99 ms', 'vs raw', 'vs raw group'],
      appendRows.map((r) => [
        r.messageBytes === 1024 ? '1 KiB' : `${r.messageBytes} B`,
        String(r.recordsPerBatch),
        `${r.kind} ${r.mode}`,
        String(r.concurrency),
        fmtInt(r.messagesPerSec),
        r.payloadMBPerSec.toFixed(1),
        fmtInt(r.appends),
        fmtInt(r.fsyncs),
        r.fsyncPerAppend.toFixed(3),
        r.latencyMs.p50.toFixed(2),
        r.latencyMs.p99.toFixed(2),
        r.vsRaw === undefined ? '' : `${r.vsRaw.toFixed(2)}×`,
        r.vsRawGroup === undefined ? '' : `${r.vsRawGroup.toFixed(2)}×`,
      ]),
    ),
  );
  console.log('');
  console.log('## Sequential read (read() with 1 MiB maxBytes, whole log, store reopened, page cache warm)');
  console.log(
    formatTable(
      ['msg', 'recs/batch', 'log MB', 'msgs/s', 'MB/s', 'read() calls'],
      readRows.map((r) => [r.messageBytes === 1024 ? '1 KiB' : `${r.messageBytes} B`, String(r.recordsPerBatch), (r.logBytes / 1e6).toFixed(1), fmtInt(r.messagesPerSec), r.MBPerSec.toFixed(0), fmtInt(r.reads)]),
    ),
  );

  console.log(`\nload average at end: ${loadAvg()}`);

  if (JSON_OUT) {
    const outDir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'storage-latest.json');
    const settings = { durationMs: DURATION_MS, warmupMs: WARMUP_MS, concurrency: CONCURRENCY, baseDir: BASE_DIR, flushIntervalMs: FLUSH_INTERVAL_MS ?? null, readMaxBytes: READ_MAX_BYTES };
    writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), command, machine, loadAverageAtEnd: os.loadavg(), settings, append: appendRows, read: readRows }, null, 2) + '\n');
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  }
}

function progress(label: string, r: AppendRow): void {
  console.error(`  ${label}: ${fmtInt(r.messagesPerSec)} msg/s, ${r.payloadMBPerSec.toFixed(1)} MB/s, ${r.appends} appends, ${r.fsyncs} fsyncs`);
}

function loadAvg(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' ');
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

await main();

/** One uncompressed batch of `count` identical `size`-byte values: copied per append, as a
 * producer's request would arrive, so the encoder stays off the measured path. */
async function templateBatch(count: number, size: number): Promise<Buffer> {
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = 97 + (i % 26);
  return encodeBatch(Array.from({ length: count }, () => ({ value })));
}
