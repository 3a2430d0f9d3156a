import { promisify } from 'node:util';
import zlib from 'node:zlib';
// Library choices: all from the npm registry and native (N-API: one binary across Node versions,
// several times faster than the pure-JS codecs kafkajs plugins use), since compressed batches are
// decoded for browsing and written by internal moves. Versions are pinned in package.json:
// - gzip: Node's own zlib, the same codec kafkajs uses.
// - snappy: `snappy` (napi-rs, Brooooooklyn/snappy). Its one-shot compress/uncompress are RAW
//   snappy, which librdkafka and kafkajs-snappy write; xerial framing (Java) is unwrapped here.
// - lz4: `lz4-napi` (napi-rs over lz4_flex). Kafka uses the LZ4 *frame* format since KIP-57, so
//   only compressFrame/decompressFrame are used. Its frames have independent blocks and no
//   content checksum (FLG 0x60), as Java's Lz4BlockOutputStream writes and its Lz4BlockInputStream
//   requires (it rejects dependent blocks); the block maximum grows with the input (BD 0x40 64 KB
//   up to 0x70 4 MB), all within the 64 KB-4 MB range Java accepts.
// - zstd: `zstd-napi` (bindings to libzstd, built here). Node 20's zlib has no zstd.
import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi';
import { compress as snappyCompress, compressSync as snappyCompressSync, uncompress as snappyUncompress, uncompressSync as snappyUncompressSync } from 'snappy';
import { compress as zstdCompress, decompress as zstdDecompress } from 'zstd-napi';
// The native binding is CommonJS without static export names, so only a default import works;
// the .js suffix is required by Node's own ESM loader (the package has no exports map).
import zstdBinding from 'zstd-napi/binding.js';
import { SluiceError } from '../errors.js';
import { COMPRESSION_CODES, type CompressionCodec } from './batch-header.js';

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

const CODEC_BY_CODE: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Below this size a trip to the libuv thread pool costs more than compressing in place. */
const SYNC_BELOW = 32 * 1024;

/** Default ceiling on decompressed size: a 1 MB zstd or gzip batch of zeros can expand to
 * gigabytes, and browsing must not take the process down with it. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** The codec named by the low 3 bits of batch attributes (or a codec name). Codes 5-7 are not
 * defined by Kafka → UNSUPPORTED_COMPRESSION. */
export function codecOf(codec: CompressionCodec | number): CompressionCodec {
  if (typeof codec === 'number') {
    const name = CODEC_BY_CODE[codec];
    if (name === undefined) throw new SluiceError('UNSUPPORTED_COMPRESSION', `compression code ${codec} is not defined (0-4 are)`, { code: codec });
    return name;
  }
  if (!Object.hasOwn(COMPRESSION_CODES, codec)) throw new SluiceError('UNSUPPORTED_COMPRESSION', `compression ${String(codec)} is not supported`);
  return codec;
}

export async function compress(codec: CompressionCodec | number, buf: Buffer): Promise<Buffer> {
  const name = codecOf(codec);
  const small = buf.length < SYNC_BELOW;
  switch (name) {
    case 'none':
      return buf;
    case 'gzip':
      return small ? zlib.gzipSync(buf) : gzipAsync(buf);
    case 'snappy':
      return small ? snappyCompressSync(buf) : snappyCompress(buf);
    case 'lz4':
      return small ? compressFrameSync(buf) : compressFrame(buf);
    case 'zstd':
      // zstd-napi has no asynchronous one-shot API; libzstd at the default level is fast enough.
      return zstdCompress(buf);
  }
}

export interface DecompressOptions {
  /** Fail with INVALID_BATCH rather than produce more than this many bytes. */
  maxOutputBytes?: number;
}

/** Decompresses a records blob. Any failure of the underlying codec (garbage input, truncated
 * frame, output over the limit) becomes SluiceError INVALID_BATCH naming the codec. */
export async function decompress(codec: CompressionCodec | number, buf: Buffer, options: DecompressOptions = {}): Promise<Buffer> {
  const name = codecOf(codec);
  if (name === 'none') return buf;
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  let out: Buffer;
  try {
    out = await decompressWith(name, buf, limit);
  } catch (err) {
    if (err instanceof SluiceError) throw err;
    throw new SluiceError('INVALID_BATCH', `${name} decompression failed: ${(err as Error).message}`, { codec: name });
  }
  if (out.length > limit) throw tooLarge(name, out.length, limit);
  return out;
}

async function decompressWith(name: Exclude<CompressionCodec, 'none'>, buf: Buffer, limit: number): Promise<Buffer> {
  const small = buf.length < SYNC_BELOW;
  switch (name) {
    case 'gzip':
      // maxOutputLength stops inflation early instead of checking afterwards.
      return small ? zlib.gunzipSync(buf, { maxOutputLength: limit }) : gunzipAsync(buf, { maxOutputLength: limit });
    case 'snappy':
      return isXerial(buf) ? unwrapXerial(buf, limit) : snappyRaw(buf, limit);
    case 'lz4':
      return small ? decompressFrameSync(buf) : decompressFrame(buf);
    case 'zstd': {
      // The frame header usually states the content size; zstd-napi would allocate that much
      // up front, so refuse before it does. Frames without a size are checked afterwards.
      const declared = zstdBinding.getFrameContentSize(buf);
      if (declared !== null && declared > limit) throw tooLarge('zstd', declared, limit);
      return zstdDecompress(buf);
    }
  }
}

/** snappy-java's stream header: magic, then int32 version and int32 compatible version. */
export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

function isXerial(buf: Buffer): boolean {
  return buf.length >= XERIAL_HEADER && buf.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

/** Xerial framing (what the Java client writes): chunks from byte 16, each
 * `[int32 length][raw snappy block]`. */
async function unwrapXerial(buf: Buffer, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER;
  while (pos < buf.length) {
    if (buf.length - pos < 4) throw invalidXerial(`chunk length at byte ${pos} is cut short`);
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0 || len > buf.length - pos) {
      throw invalidXerial(`chunk at byte ${pos - 4} declares ${len} bytes but ${buf.length - pos} remain`);
    }
    const chunk = await snappyRaw(buf.subarray(pos, pos + len), limit, total);
    total += chunk.length;
    parts.push(chunk);
    pos += len;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

/** Raw snappy starts with the uncompressed length as an unsigned varint: check it against the
 * limit before the library allocates it. */
async function snappyRaw(buf: Buffer, limit: number, before = 0): Promise<Buffer> {
  const declared = snappyPreamble(buf);
  if (before + declared > limit) throw tooLarge('snappy', before + declared, limit);
  const out = buf.length < SYNC_BELOW ? snappyUncompressSync(buf) : await snappyUncompress(buf);
  return typeof out === 'string' ? Buffer.from(out) : out;
}

function snappyPreamble(buf: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < buf.length; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw new SluiceError('INVALID_BATCH', 'snappy decompression failed: bad length preamble', { codec: 'snappy' });
}

function invalidXerial(why: string): SluiceError {
  return new SluiceError('INVALID_BATCH', `snappy (xerial framing) decompression failed: ${why}`, { codec: 'snappy' });
}

function tooLarge(codec: CompressionCodec, size: number, limit: number): SluiceError {
  return new SluiceError('INVALID_BATCH', `${codec} records would decompress to ${size} bytes, over the ${limit}-byte limit`, { codec, size, limit });
}
