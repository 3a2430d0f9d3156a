import { open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Kafka's file naming: the segment's base offset, zero-padded so names sort by offset. */
export function segmentFileName(baseOffset: number, ext: 'log' | 'index' | 'timeindex'): string {
  return `${String(baseOffset).padStart(20, '0')}.${ext}`;
}

const SEGMENT_LOG = /^(\d{20})\.log$/;

export function parseSegmentLogName(name: string): number | undefined {
  const m = SEGMENT_LOG.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A rename or create is only durable once the directory entry itself is flushed. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** temp file → fsync → rename → fsync dir: readers see the old or the new content, never a torn
 * mix, even across a power loss. */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true });
}

export async function writeMarker(dir: string, name: string): Promise<void> {
  await writeFile(join(dir, name), `${new Date().toISOString()}\n`);
  await fsyncDir(dir);
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** int64 big-endian → number without a BigInt allocation (offsets and timestamps fit in 2^53). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x1_0000_0000 + buf.readUInt32BE(pos + 4);
}
