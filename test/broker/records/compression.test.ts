import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { compressSync as snappyCompressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { isSluiceError, SluiceError } from '../../../broker/errors.js';
import type { CompressionCodec } from '../../../broker/records/batch-header.js';
import { codecOf, compress, decompress } from '../../../broker/records/compression.js';
import { hasTool, sampleBytes, xerialFrame, xxh32Short } from './helpers.js';

const CODECS: CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const HELLO = Buffer.from('hello hello hello hello hello');

async function rejection(p: Promise<unknown>): Promise<SluiceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw new Error(`expected a SluiceError, got ${String(err)}`);
  }
  throw new Error('expected a rejection');
}

describe('compress/decompress round trips', () => {
  for (const codec of CODECS) {
    it(`${codec}: empty, small (sync path) and 300 KB (thread-pool path)`, async () => {
      for (const input of [Buffer.alloc(0), HELLO, sampleBytes(300_000)]) {
        const packed = await compress(codec, input);
        if (codec !== 'none' && input.length > 1000) expect(packed.length).toBeLessThan(input.length);
        expect((await decompress(codec, packed)).equals(input)).toBe(true);
      }
    });
  }

  it('accepts attribute codes as well as names', async () => {
    expect(codecOf(0)).toBe('none');
    expect(codecOf(4)).toBe('zstd');
    expect((await decompress(1, await compress(1, HELLO))).equals(HELLO)).toBe(true);
  });

  it('rejects unknown codec codes with UNSUPPORTED_COMPRESSION', async () => {
    for (const code of [5, 6, 7]) {
      expect((await rejection(compress(code, HELLO))).code).toBe('UNSUPPORTED_COMPRESSION');
      expect((await rejection(decompress(code, HELLO))).code).toBe('UNSUPPORTED_COMPRESSION');
    }
    expect((await rejection(compress('brotli' as CompressionCodec, HELLO))).code).toBe('UNSUPPORTED_COMPRESSION');
    expect((await rejection(compress('toString' as CompressionCodec, HELLO))).code).toBe('UNSUPPORTED_COMPRESSION');
  });
});

describe('snappy', () => {
  it('writes raw snappy (what librdkafka and kafkajs-snappy write)', async () => {
    const packed = await compress('snappy', HELLO);
    // Raw snappy starts with the uncompressed length as a varint: 29 = 0x1d.
    expect(packed[0]).toBe(HELLO.length);
    expect(packed.equals(snappyCompressSync(HELLO))).toBe(true);
  });

  it('reads xerial framing (what the Java client writes), one chunk and many', async () => {
    const data = sampleBytes(100_000, 7);
    for (const chunk of [200_000, 32 * 1024, 1000]) {
      const framed = xerialFrame(data, chunk);
      expect(framed.subarray(0, 8).toString('hex')).toBe('82534e4150505900');
      expect((await decompress('snappy', framed)).equals(data)).toBe(true);
    }
    expect((await decompress('snappy', xerialFrame(HELLO, 4))).equals(HELLO)).toBe(true);
  });

  it('rejects a xerial chunk that claims more bytes than remain', async () => {
    const framed = xerialFrame(HELLO, 10);
    const err = await rejection(decompress('snappy', framed.subarray(0, framed.length - 1)));
    expect(err.code).toBe('INVALID_BATCH');
    expect(err.message).toMatch(/xerial framing.*declares \d+ bytes but \d+ remain/);
    const cut = await rejection(decompress('snappy', Buffer.concat([xerialFrame(HELLO, 100), Buffer.from([0, 0])])));
    expect(cut.message).toMatch(/chunk length at byte \d+ is cut short/);
  });
});

describe('lz4 frame format (KIP-57)', () => {
  it('writes an LZ4 frame Java Kafka accepts: magic, version 1, independent blocks, 64 KB, correct HC', async () => {
    const frame = await compress('lz4', sampleBytes(200_000));
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    const flg = frame[4]!;
    const bd = frame[5]!;
    expect(flg >> 6).toBe(1); // version 01
    expect(flg & 0x20).toBe(0x20); // block independence: Lz4BlockInputStream rejects dependent blocks
    expect(flg & 0x03).toBe(0); // reserved
    // Block maximum: lz4_flex picks 64 KB..4 MB by input size; Java accepts codes 4-7 (64 KB-4 MB).
    expect((bd >> 4) & 0x07).toBeGreaterThanOrEqual(4);
    expect(bd & 0x8f).toBe(0); // reserved bits
    expect((await compress('lz4', HELLO)).subarray(4, 6).toString('hex')).toBe('6040'); // exactly Java's FLG/BD
    // KIP-57: the header checksum covers the descriptor only (FLG, BD[, size]), not the magic.
    const descriptorEnd = flg & 0x08 ? 14 : 6;
    expect(frame[descriptorEnd]).toBe((xxh32Short(frame.subarray(4, descriptorEnd)) >> 8) & 0xff);
  });

  it('xxh32 helper agrees with the reference CLI header (FLG 0x64 BD 0x40 → HC 0xa7)', () => {
    expect((xxh32Short(Buffer.from([0x64, 0x40])) >> 8) & 0xff).toBe(0xa7);
    expect(xxh32Short(Buffer.alloc(0))).toBe(0x02cc5d05);
  });

  it('reads a frame written by the reference lz4 CLI (v1.9.4, content checksum on)', async () => {
    const fromCli = Buffer.from('04224d186440a70f0000006e68656c6c6f2006005068656c6c6f0000000079b1fff9', 'hex');
    expect((await decompress('lz4', fromCli)).equals(HELLO)).toBe(true);
  });

  it.skipIf(!hasTool('lz4'))('interoperates with the lz4 CLI on multi-block frames, both ways', async () => {
    const data = sampleBytes(400_000, 3);
    const fromCli = execFileSync('lz4', ['-c', '-B4', '-BI'], { input: data });
    expect((await decompress('lz4', fromCli)).equals(data)).toBe(true);
    const ours = await compress('lz4', data);
    expect(execFileSync('lz4', ['-d', '-c'], { input: ours }).equals(data)).toBe(true);
  });

  it('rejects a corrupt frame as INVALID_BATCH', async () => {
    const frame = await compress('lz4', HELLO);
    // Cut into the last block: lz4_flex tolerates a missing end mark, not missing data.
    const err = await rejection(decompress('lz4', frame.subarray(0, frame.length - 5)));
    expect(err.code).toBe('INVALID_BATCH');
    expect(err.message).toMatch(/^lz4 decompression failed/);
    expect((await rejection(decompress('lz4', HELLO))).message).toMatch(/^lz4 decompression failed/);
  });
});

describe('zstd', () => {
  it('reads a streamed frame without a content size (reference zstd CLI v1.5.4)', async () => {
    const fromCli = Buffer.from('28b52ffd04586500003068656c6c6f200100a94b11874e200a', 'hex');
    expect((await decompress('zstd', fromCli)).equals(HELLO)).toBe(true);
  });

  it.skipIf(!hasTool('zstd'))('interoperates with the zstd CLI, both ways', async () => {
    const data = sampleBytes(300_000, 5);
    expect((await decompress('zstd', execFileSync('zstd', ['-c'], { input: data }))).equals(data)).toBe(true);
    expect(execFileSync('zstd', ['-d', '-c'], { input: await compress('zstd', data) }).equals(data)).toBe(true);
  });
});

describe('decompression failures and limits', () => {
  it('wraps codec errors on garbage as INVALID_BATCH naming the codec', async () => {
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const err = await rejection(decompress(codec, Buffer.from('definitely not compressed data')));
      expect(err.code).toBe('INVALID_BATCH');
      expect(err.message.startsWith(`${codec} decompression failed`)).toBe(true);
    }
  });

  it('refuses output over maxOutputBytes for every codec', async () => {
    const zeros = Buffer.alloc(2_000_000);
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const packed = await compress(codec, zeros);
      const err = await rejection(decompress(codec, packed, { maxOutputBytes: 1_000_000 }));
      expect(err.code).toBe('INVALID_BATCH');
      expect(isSluiceError(err)).toBe(true);
    }
    const err = await rejection(decompress('snappy', xerialFrame(zeros, 300_000), { maxOutputBytes: 1_000_000 }));
    expect(err.message).toMatch(/over the 1000000-byte limit/);
  });

  it('gunzip accepts a stream from another gzip writer', async () => {
    expect((await decompress('gzip', gzipSync(HELLO, { level: 9 }))).equals(HELLO)).toBe(true);
  });
});
