import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../broker/logger.js';
import { crc32c } from '../../../broker/records/crc32c.js';
import { FileLogStore, type FileLogStoreOptions } from '../../../broker/storage/file-log-store.js';

/** Builds one valid uncompressed record batch v2, independent of broker/records/encoder.ts. */
export interface BatchSpec {
  count?: number;
  valueSize?: number;
  /** Timestamp of the first record; record i gets baseTimestamp + i unless `timestamps` is set. */
  baseTimestamp?: number;
  timestamps?: number[];
  producerId?: number;
  baseSequence?: number;
  fill?: number;
}

export function makeBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.timestamps?.length ?? spec.count ?? 1;
  const baseTimestamp = spec.baseTimestamp ?? 1_700_000_000_000;
  const stamps = spec.timestamps ?? Array.from({ length: count }, (_, i) => baseTimestamp + i);
  const first = stamps[0]!;
  const records = stamps.map((ts, i) => encodeRecord(i, ts - first, Buffer.alloc(spec.valueSize ?? 16, spec.fill ?? 0x61 + (i % 26))));
  const body = Buffer.concat(records);
  const batch = Buffer.alloc(61 + body.length);
  batch.writeBigInt64BE(0n, 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(-1, 12);
  batch.writeInt8(2, 16);
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(BigInt(first), 27);
  batch.writeBigInt64BE(BigInt(Math.max(...stamps)), 35);
  batch.writeBigInt64BE(BigInt(spec.producerId ?? -1), 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(spec.baseSequence ?? -1, 53);
  batch.writeInt32BE(count, 57);
  body.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

function encodeRecord(offsetDelta: number, timestampDelta: number, value: Buffer): Buffer {
  const parts = [
    Buffer.from([0]),
    zigzag(timestampDelta),
    zigzag(offsetDelta),
    zigzag(-1), // null key
    zigzag(value.length),
    value,
    zigzag(0), // no headers
  ];
  const inner = Buffer.concat(parts);
  return Buffer.concat([zigzag(inner.length), inner]);
}

function zigzag(n: number): Buffer {
  let v = n >= 0 ? BigInt(n) * 2n : BigInt(-n) * 2n - 1n;
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export interface BatchView {
  position: number;
  baseOffset: number;
  lastOffset: number;
  size: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
  attributes: number;
}

/** Splits a read result into its batches (asserting every byte belongs to a whole batch). */
export function splitBatches(bytes: Buffer): BatchView[] {
  const out: BatchView[] = [];
  let p = 0;
  while (p < bytes.length) {
    const size = bytes.readInt32BE(p + 8) + 12;
    if (p + size > bytes.length) throw new Error(`partial batch at ${p}`);
    const baseOffset = Number(bytes.readBigInt64BE(p));
    out.push({
      position: p,
      baseOffset,
      lastOffset: baseOffset + bytes.readInt32BE(p + 23),
      size,
      maxTimestamp: Number(bytes.readBigInt64BE(p + 35)),
      partitionLeaderEpoch: bytes.readInt32BE(p + 12),
      attributes: bytes.readInt16BE(p + 21),
    });
    p += size;
  }
  return out;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sluice-storage-'));
}

let topicCounter = 0;
export function freshTopic(prefix = 't'): string {
  return `${prefix}-${process.pid}-${++topicCounter}`;
}

/** A store in a fresh temp dir with a capturing logger; `dispose` closes it and removes the dir. */
export async function openStore(options: Partial<FileLogStoreOptions> & { dataDir?: string } = {}) {
  const dataDir = options.dataDir ?? (await tempDir());
  const logger = memoryLogger();
  const store = new FileLogStore({ retentionCheckIntervalMs: 0, logger, ...options, dataDir });
  await store.open();
  return {
    store,
    dataDir,
    logger,
    reopen: async (more: Partial<FileLogStoreOptions> = {}) => openStore({ ...options, ...more, dataDir }),
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function partitionPath(dataDir: string, topic: string, partition = 0): string {
  return join(dataDir, 'topics', topic, String(partition));
}

export function segmentPath(dataDir: string, topic: string, partition: number, baseOffset: number, ext: 'log' | 'index' | 'timeindex' = 'log'): string {
  return join(partitionPath(dataDir, topic, partition), `${String(baseOffset).padStart(20, '0')}.${ext}`);
}

/** Per-test store factory that closes stores and removes their dirs in afterEach. */
export function storeFixture() {
  const cleanups: (() => Promise<void>)[] = [];
  const dirs = new Set<string>();
  return {
    async open(options: Partial<FileLogStoreOptions> & { dataDir?: string } = {}): Promise<Awaited<ReturnType<typeof openStore>>> {
      const s = await openStore(options);
      dirs.add(s.dataDir);
      cleanups.push(() => s.store.close());
      // Stores reopened by a test are closed by the fixture too.
      return { ...s, reopen: (more = {}) => this.open({ ...options, ...more, dataDir: s.dataDir }) };
    },
    async cleanup() {
      for (const c of cleanups.splice(0)) await c();
      for (const d of dirs) await removeDir(d);
      dirs.clear();
    },
  };
}

export async function expectCode<T>(p: Promise<T> | (() => T), code: string): Promise<Error & { code: string; details: Record<string, unknown> }> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof Error) || (err as { code?: string }).code !== code) {
    throw new Error(`expected SluiceError ${code}, got ${err === undefined ? 'success' : String(err)}`);
  }
  return err as Error & { code: string; details: Record<string, unknown> };
}

export function flipByte(buf: Buffer, pos: number): void {
  buf.writeUInt8(buf.readUInt8(pos) ^ 0xff, pos);
}
