/**
 * Shared pieces of the process-level crash and corruption tests (crash.test.ts,
 * corruption-process.test.ts) and their child program (crash-child.ts): payload format, the
 * acknowledgement log, spawning/killing the child, and the verifier that reopens the store and
 * checks every acknowledged batch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BATCH, probeBatch } from '../../../broker/records/batch-header.js';
import { crc32c } from '../../../broker/records/crc32c.js';
import { memoryLogger } from '../../../broker/logger.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import type { TopicConfig } from '../../../broker/storage/types.js';
import { decodeRecords } from '../../../broker/records/decoder.js';

export const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

/** Topics the child writes to. Small segments so SIGKILLs land during segment rolls too. */
export const CRASH_TOPICS: readonly { name: string; partitions: number }[] = [
  { name: 'crash-a', partitions: 3 },
  { name: 'crash-b', partitions: 1 },
  { name: 'crash-c', partitions: 2 },
];

export const CRASH_TOPIC_CONFIG: Partial<TopicConfig> = {
  segmentBytes: 64 * 1024,
  retentionMs: -1,
  retentionBytes: -1,
  flushPolicy: 'sync',
};

// ---------------------------------------------------------------------------------------------
// Payload: every record value carries who wrote it and a checksum of its own content.
//   u32 cycle | u32 batchSeq | u16 topicIdx | u16 partition | u32 recordIndex | filler | u32 crc32c
// ---------------------------------------------------------------------------------------------
const PAYLOAD_HEAD = 16;

/** Creates the crash topics in a fresh data dir, before the first child starts appending. */
export async function createCrashTopics(dataDir: string): Promise<void> {
  const setup = new FileLogStore({ dataDir, flushPolicy: 'sync', logger: memoryLogger() });
  await setup.open();
  for (const t of CRASH_TOPICS) await setup.createTopic(t.name, t.partitions, CRASH_TOPIC_CONFIG);
  await setup.close();
}

export function makePayload(cycle: number, batchSeq: number, topicIdx: number, partition: number, recordIndex: number, filler: number, rand: () => number): Buffer {
  const buf = Buffer.allocUnsafe(PAYLOAD_HEAD + filler + 4);
  buf.writeUInt32BE(cycle, 0);
  buf.writeUInt32BE(batchSeq, 4);
  buf.writeUInt16BE(topicIdx, 8);
  buf.writeUInt16BE(partition, 10);
  buf.writeUInt32BE(recordIndex, 12);
  for (let i = 0; i < filler; i++) buf[PAYLOAD_HEAD + i] = (rand() * 256) | 0;
  buf.writeUInt32BE(crc32c(buf.subarray(0, PAYLOAD_HEAD + filler)), PAYLOAD_HEAD + filler);
  return buf;
}

export interface PayloadId {
  cycle: number;
  batchSeq: number;
  topicIdx: number;
  partition: number;
  recordIndex: number;
}

/** Returns the id stored in a payload, or a string saying why the payload is not one of ours. */
export function checkPayload(value: Buffer | null): PayloadId | string {
  if (!value || value.length < PAYLOAD_HEAD + 4) return `payload of ${value?.length ?? 'null'} bytes is too short`;
  const body = value.subarray(0, value.length - 4);
  if (crc32c(body) !== value.readUInt32BE(value.length - 4)) return 'payload checksum mismatch';
  return {
    cycle: value.readUInt32BE(0),
    batchSeq: value.readUInt32BE(4),
    topicIdx: value.readUInt16BE(8),
    partition: value.readUInt16BE(10),
    recordIndex: value.readUInt32BE(12),
  };
}

/** Hash of a batch with its baseOffset and partitionLeaderEpoch normalised away (the two fields
 * a broker may rewrite in place; neither is covered by the CRC). */
export function batchHash(batch: Buffer): string {
  return createHash('sha256').update(batch.subarray(BATCH.BATCH_LENGTH, BATCH.PARTITION_LEADER_EPOCH)).update(batch.subarray(BATCH.MAGIC)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Acknowledgement log: one line per append that resolved, written with writeSync to a file opened
// O_APPEND before the child proceeds. Only complete, well-formed lines count.
//   A <topic> <partition> <baseOffset> <lastOffset> <records> <bytes> <sha256> <cycle> <batchSeq>
// ---------------------------------------------------------------------------------------------
export interface Ack {
  topic: string;
  partition: number;
  baseOffset: number;
  lastOffset: number;
  records: number;
  bytes: number;
  hash: string;
  cycle: number;
  batchSeq: number;
}

export function formatAck(a: Ack): string {
  return `A ${a.topic} ${a.partition} ${a.baseOffset} ${a.lastOffset} ${a.records} ${a.bytes} ${a.hash} ${a.cycle} ${a.batchSeq}\n`;
}

const ACK_RE = /^A (\S+) (\d+) (\d+) (\d+) (\d+) (\d+) ([0-9a-f]{64}) (\d+) (\d+)$/;

export function parseAcks(file: string): { acks: Ack[]; partialTail: boolean } {
  if (!existsSync(file)) return { acks: [], partialTail: false };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  const acks: Ack[] = [];
  for (const line of lines) {
    const m = ACK_RE.exec(line);
    if (!m) throw new Error(`malformed ack line in ${file}: ${JSON.stringify(line)}`);
    acks.push({
      topic: m[1]!,
      partition: Number(m[2]),
      baseOffset: Number(m[3]),
      lastOffset: Number(m[4]),
      records: Number(m[5]),
      bytes: Number(m[6]),
      hash: m[7]!,
      cycle: Number(m[8]),
      batchSeq: Number(m[9]),
    });
  }
  return { acks, partialTail: tail.length > 0 };
}

export const tpKey = (topic: string, partition: number): string => `${topic}/${partition}`;

/** Acknowledged batches per partition, keyed by baseOffset. */
export class AckBook {
  readonly byTp = new Map<string, Map<number, Ack>>();
  total = 0;
  messages = 0;
  bytes = 0;

  add(a: Ack): void {
    const key = tpKey(a.topic, a.partition);
    let m = this.byTp.get(key);
    if (!m) this.byTp.set(key, (m = new Map()));
    const prev = m.get(a.baseOffset);
    if (prev) {
      throw new Error(`offset ${a.baseOffset} of ${key} acknowledged twice: cycle ${prev.cycle} batch ${prev.batchSeq} and cycle ${a.cycle} batch ${a.batchSeq}`);
    }
    m.set(a.baseOffset, a);
    this.total++;
    this.messages += a.records;
    this.bytes += a.bytes;
  }

  /** Forgets acks at or above `fromOffset` (batches the corruption test destroyed on purpose). */
  dropFrom(topic: string, partition: number, fromOffset: number): Ack[] {
    const m = this.byTp.get(tpKey(topic, partition));
    const dropped: Ack[] = [];
    if (!m) return dropped;
    for (const [base, a] of m) {
      if (a.lastOffset >= fromOffset) {
        m.delete(base);
        dropped.push(a);
        this.total--;
        this.messages -= a.records;
        this.bytes -= a.bytes;
      }
    }
    return dropped;
  }

  maxLastOffset(topic: string, partition: number): number {
    let max = -1;
    for (const a of this.byTp.get(tpKey(topic, partition))?.values() ?? []) max = Math.max(max, a.lastOffset);
    return max;
  }
}

// ---------------------------------------------------------------------------------------------
// Child process control
// ---------------------------------------------------------------------------------------------
export interface ChildHandle {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * How to start the child. Spawning `node --import tsx` compiles the store on every start (~1 s
 * each on a busy 2-core box, ×50 cycles), so the child is bundled once per test file with esbuild
 * (tsx's own transformer, already installed) into node_modules/.cache; packages stay external.
 * Falls back to tsx when esbuild cannot be loaded.
 */
export interface ChildLauncher {
  args: string[];
  mode: 'bundle' | 'tsx';
  dispose: () => Promise<void>;
}

export async function prepareChild(): Promise<ChildLauncher> {
  const tsx: ChildLauncher = { args: ['--import', 'tsx', CHILD], mode: 'tsx', dispose: async () => {} };
  let esbuild: { build: (options: Record<string, unknown>) => Promise<unknown> };
  try {
    esbuild = (await import('esbuild' as string)) as typeof esbuild;
  } catch {
    return tsx;
  }
  const outfile = fileURLToPath(new URL(`../../../node_modules/.cache/sluice-crash/crash-child-${process.pid}-${Date.now()}.mjs`, import.meta.url));
  await esbuild.build({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
  return { args: [outfile], mode: 'bundle', dispose: () => rm(outfile, { force: true }) };
}

export function spawnChild(launcher: ChildLauncher, dataDir: string, ackFile: string, cycle: number, seed: number): ChildHandle {
  const proc = spawn(process.execPath, [...launcher.args, dataDir, ackFile, String(cycle), String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SLUICE_LOG_LEVEL: 'error' },
  });
  let err = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    if (err.length < 20_000) err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { proc, stderr: () => err, exited };
}

/** Resolves when the child prints READY; rejects if it exits or times out first. */
export function waitReady(child: ChildHandle, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child not ready after ${timeoutMs} ms; stderr: ${child.stderr()}`)), timeoutMs);
    child.proc.stdout!.setEncoding('utf8');
    child.proc.stdout!.on('data', (d: string) => {
      out += d;
      if (out.includes('READY\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`child exited (code ${code}, signal ${signal}) before READY; stderr: ${child.stderr()}`));
    });
  });
}

export async function killHard(child: ChildHandle): Promise<void> {
  child.proc.kill('SIGKILL');
  const { code, signal } = await child.exited;
  if (signal !== 'SIGKILL') {
    throw new Error(`child ended on its own before the SIGKILL (code ${code}, signal ${signal}); stderr: ${child.stderr()}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Files on disk
// ---------------------------------------------------------------------------------------------
export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Total size of segment (`*.log`) files under `dir`. */
export function segmentBytesOnDisk(dir: string): number {
  let total = 0;
  for (const f of walk(dir)) if (f.endsWith('.log')) total += statSync(f).size;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------
export interface PartitionScan {
  logStartOffset: number;
  logEndOffset: number;
  batches: number;
  messages: number;
  bytes: number;
  /** baseOffset -> { lastOffset, hash } for every batch in the log. */
  index: Map<number, { lastOffset: number; hash: string }>;
}

export interface VerifyResult {
  partitions: Map<string, PartitionScan>;
  ackedBatchesVerified: number;
  ackedMessagesVerified: number;
  logBatches: number;
  logMessages: number;
  logBytes: number;
  /** Segment bytes on disk before the store opened minus after (what recovery cut off). */
  bytesTruncated: number;
  /** Warn/error log entries the store emitted while opening (recovery messages). */
  recoveryLogs: { level: string; msg: string; fields?: Record<string, unknown> }[];
  failures: string[];
}

const READ_MAX = 1024 * 1024;

/** Opens the store in this process, scans every partition from log start to log end and checks
 * every acknowledged batch. Never throws for a verification failure: failures are collected so
 * a test can print them all; it throws only if the store itself fails to open. */
/** Batches whose records were already decoded and checked, by partition and baseOffset, with the
 * hash they had then: a later scan that finds the same hash skips the per-record decode. */
export type CheckedCache = Map<string, Map<number, string>>;

export async function verifyStore(dataDir: string, book: AckBook, topics = CRASH_TOPICS, checked: CheckedCache = new Map()): Promise<VerifyResult> {
  const before = segmentBytesOnDisk(dataDir);
  const logger = memoryLogger();
  const store = new FileLogStore({ dataDir, flushPolicy: 'sync', logger });
  await store.open();
  const after = segmentBytesOnDisk(dataDir);
  const failures: string[] = [];
  const result: VerifyResult = {
    partitions: new Map(),
    ackedBatchesVerified: 0,
    ackedMessagesVerified: 0,
    logBatches: 0,
    logMessages: 0,
    logBytes: 0,
    bytesTruncated: before - after,
    recoveryLogs: logger.entries.filter((e) => e.level === 'warn' || e.level === 'error'),
    failures,
  };
  try {
    for (let ti = 0; ti < topics.length; ti++) {
      const { name, partitions } = topics[ti]!;
      for (let p = 0; p < partitions; p++) {
        const key = tpKey(name, p);
        const state = store.partitionState(name, p);
        if (state.damage) failures.push(`${key}: store reports damage ${JSON.stringify(state.damage)}`);
        let cache = checked.get(key);
        if (!cache) checked.set(key, (cache = new Map()));
        const scan = await scanPartition(store, name, p, ti, failures, cache);
        result.partitions.set(key, scan);
        result.logBatches += scan.batches;
        result.logMessages += scan.messages;
        result.logBytes += scan.bytes;
        for (const ack of book.byTp.get(key)?.values() ?? []) {
          const found = scan.index.get(ack.baseOffset);
          if (!found) {
            failures.push(`${key}: LOST acked batch at offset ${ack.baseOffset}..${ack.lastOffset} (cycle ${ack.cycle} batch ${ack.batchSeq}); log is [${scan.logStartOffset}, ${scan.logEndOffset})`);
          } else if (found.lastOffset !== ack.lastOffset || found.hash !== ack.hash) {
            failures.push(`${key}: CHANGED acked batch at ${ack.baseOffset}: acked last ${ack.lastOffset} hash ${ack.hash.slice(0, 12)}, log has last ${found.lastOffset} hash ${found.hash.slice(0, 12)}`);
          } else {
            result.ackedBatchesVerified++;
            result.ackedMessagesVerified += ack.records;
          }
        }
        const maxAcked = book.maxLastOffset(name, p);
        if (scan.logEndOffset < maxAcked + 1) failures.push(`${key}: log end ${scan.logEndOffset} is below last acked offset ${maxAcked} + 1`);
      }
    }
  } finally {
    await store.close();
  }
  return result;
}

async function scanPartition(store: FileLogStore, topic: string, partition: number, topicIdx: number, failures: string[], checked: Map<number, string>): Promise<PartitionScan> {
  const key = tpKey(topic, partition);
  const { logStartOffset, logEndOffset } = store.offsets(topic, partition);
  const scan: PartitionScan = { logStartOffset, logEndOffset, batches: 0, messages: 0, bytes: 0, index: new Map() };
  let next = logStartOffset;
  while (next < logEndOffset) {
    const r = await store.read(topic, partition, next, READ_MAX);
    if (r.highWatermark !== logEndOffset) failures.push(`${key}: read() high watermark ${r.highWatermark} differs from offsets() log end ${logEndOffset}`);
    if (r.bytes.length === 0) {
      failures.push(`${key}: read(${next}) returned no bytes below the log end ${logEndOffset}`);
      break;
    }
    let pos = 0;
    while (pos < r.bytes.length) {
      const probe = probeBatch(r.bytes, pos);
      if (probe.kind !== 'batch') {
        failures.push(`${key}: read(${next}) returned a ${probe.kind} batch at byte ${pos}: ${probe.kind === 'invalid' ? probe.reason : `needs ${probe.needed} more bytes`}`);
        return scan;
      }
      const h = probe.header;
      const batch = r.bytes.subarray(pos, pos + h.sizeInBytes);
      const last = h.baseOffset + h.lastOffsetDelta;
      if (h.baseOffset !== next) {
        // read() may start at the batch containing `next` only for the first batch; after that
        // offsets must be exactly contiguous.
        failures.push(`${key}: expected a batch at offset ${next}, found ${h.baseOffset}..${last} (${h.baseOffset < next ? 'overlap/duplicate' : 'gap'})`);
        return scan;
      }
      if (last >= logEndOffset) {
        failures.push(`${key}: batch ${h.baseOffset}..${last} reaches past the log end ${logEndOffset}`);
        return scan;
      }
      const hash = batchHash(batch);
      if (checked.get(h.baseOffset) !== hash) {
        let ok = true;
        for (const rec of decodeRecords(h, batch.subarray(BATCH.OVERHEAD))) {
          const id = checkPayload(rec.value);
          if (typeof id === 'string') failures.push(`${key}: offset ${rec.offset}: ${id}`);
          else if (id.topicIdx !== topicIdx || id.partition !== partition) failures.push(`${key}: offset ${rec.offset} holds a record written for topic #${id.topicIdx} partition ${id.partition}`);
          else continue;
          ok = false;
        }
        if (ok) checked.set(h.baseOffset, hash);
      }
      scan.index.set(h.baseOffset, { lastOffset: last, hash });
      scan.batches++;
      scan.messages += h.recordsCount;
      scan.bytes += h.sizeInBytes;
      next = last + 1;
      pos += h.sizeInBytes;
    }
  }
  return scan;
}

/** Deterministic PRNG (mulberry32) so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
