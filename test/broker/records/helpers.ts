import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { compressSync as snappyCompressSync } from 'snappy';
import { BATCH } from '../../../broker/records/batch-header.js';
import { XERIAL_MAGIC } from '../../../broker/records/compression.js';
import { crc32c } from '../../../broker/records/crc32c.js';

/**
 * Test helpers: kafkajs's own record batch encoder/decoder (a client nobody here wrote), an
 * xerial snappy framer, xxHash32 for checking LZ4 frame descriptors, and CLI detection for the
 * reference lz4/zstd tools.
 */

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsDecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
  timestamp: string;
}
interface KafkajsCodec {
  compress(encoder: KafkajsEncoder): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export const kafkajs = {
  RecordBatch: require('kafkajs/src/protocol/recordBatch/v0/index.js').RecordBatch as (args: Record<string, unknown>) => Promise<KafkajsEncoder>,
  Record: require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: Record<string, unknown>) => KafkajsEncoder,
  Long: require('kafkajs/src/utils/long.js') as { fromValue(v: number | string): unknown; fromInt(v: number): unknown },
  Decoder: require('kafkajs/src/protocol/decoder.js') as new (buf: Buffer) => unknown,
  Encoder: require('kafkajs/src/protocol/encoder.js') as {
    new (): KafkajsEncoder & { writeVarInt(n: number): unknown; writeVarLong(n: unknown): unknown };
  },
  decodeBatch: require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<{
    records: KafkajsDecodedRecord[];
    firstOffset: string;
    lastOffsetDelta: number;
    maxTimestamp: string;
  }>,
  compression: require('kafkajs/src/protocol/message/compression/index.js') as {
    Types: Record<'None' | 'GZIP' | 'Snappy' | 'LZ4' | 'ZSTD', number>;
    Codecs: Record<number, () => KafkajsCodec>;
  },
};

/** Wraps raw snappy blocks of `data` in snappy-java's xerial stream format, `chunk` bytes of
 * input per block, as the Java client writes them. */
export function xerialFrame(data: Buffer, chunk: number): Buffer {
  const header = Buffer.alloc(16);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // version
  header.writeInt32BE(1, 12); // minimum compatible version
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += chunk) {
    const block = snappyCompressSync(data.subarray(pos, pos + chunk));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;

/** xxHash32 for inputs under 16 bytes (all an LZ4 frame descriptor needs). */
export function xxh32Short(bytes: Buffer, seed = 0): number {
  if (bytes.length >= 16) throw new Error('xxh32Short handles < 16 bytes only');
  let h = (seed + P5 + bytes.length) >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    h = (h + Math.imul(bytes.readUInt32LE(i), P3)) >>> 0;
    h = Math.imul(rotl(h, 17), P4) >>> 0;
  }
  for (; i < bytes.length; i++) {
    h = (h + Math.imul(bytes[i]!, P5)) >>> 0;
    h = Math.imul(rotl(h, 11), P1) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, P2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, P3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Whether a command-line tool is on PATH (the reference lz4 and zstd CLIs, when installed). */
export function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const WORDS = ['order', 'created', 'paid', 'shipped', 'customer', 'id', 'amount', 'EUR', '42', '{"k":', '},', ' ', '\n'];

/** Deterministic, compressible bytes: PRNG-chosen words, like JSON messages in a batch. */
export function sampleBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  let pos = 0;
  while (pos < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    pos += out.write(WORDS[x % WORDS.length]!, pos);
  }
  return out;
}

/** A copy of `batch` with its records region replaced by `body` (and optionally attributes and
 * recordsCount changed), batchLength and CRC fixed up: lets tests hand-craft record bytes that
 * get past framing and CRC checks and reach the record decoder. */
export function rebody(batch: Buffer, body: Buffer, patch: { attributes?: number; recordsCount?: number } = {}): Buffer {
  const out = Buffer.concat([batch.subarray(0, BATCH.OVERHEAD), body]);
  out.writeInt32BE(out.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
  if (patch.attributes !== undefined) out.writeInt16BE(patch.attributes, BATCH.ATTRIBUTES);
  if (patch.recordsCount !== undefined) {
    out.writeInt32BE(patch.recordsCount, BATCH.RECORDS_COUNT);
    out.writeInt32BE(patch.recordsCount - 1, BATCH.LAST_OFFSET_DELTA);
  }
  return fixCrc(out);
}

/** Recomputes the CRC after a test edited bytes inside it. */
export function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return batch;
}

/** XORs one byte in place (noUncheckedIndexedAccess makes `buf[i] ^= x` a type error). */
export function flip(buf: Buffer, at: number, mask = 0x01): void {
  buf.writeUInt8(buf.readUInt8(at) ^ mask, at);
}
