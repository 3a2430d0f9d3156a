import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isNotFound, parseSegmentLogName, removeQuietly } from './fs-util.js';
import { LOG_START_FILE, PartitionLog, type Damage, type PartitionContext } from './partition-log.js';
import { scanSegment } from './recovery.js';
import { Segment } from './segment.js';

/** `clean`: the store was closed properly, so index files can be trusted once checked against the
 * log. `unclean`: a crash; the last segment is rescanned batch by batch whatever its index says. */
export type OpenMode = 'clean' | 'unclean';

export async function createPartition(ctx: PartitionContext): Promise<PartitionLog> {
  await mkdir(ctx.dir, { recursive: true });
  const segment = await Segment.create(ctx.dir, 0, ctx.files);
  await fsyncDir(ctx.dir);
  return new PartitionLog(ctx, [segment], 0, undefined);
}

/**
 * Opens every segment of a partition and brings it to a state that is safe to serve:
 * - a segment whose indexes are missing, torn or stale is rescanned and its indexes rewritten;
 * - after a crash the last segment is always rescanned, and a torn tail (nothing valid after the
 *   damage) is truncated to the last valid batch, logged with what was removed;
 * - damage anywhere else (mid-segment, in an older segment, an offset gap between segments) is
 *   never truncated or served: the partition opens as damaged and refuses reads and appends.
 */
export async function openPartition(ctx: PartitionContext, mode: OpenMode): Promise<PartitionLog> {
  await mkdir(ctx.dir, { recursive: true });
  const bases = await listSegments(ctx.dir);
  if (bases.length === 0) return createPartition(ctx);
  const segments: Segment[] = [];
  let damage: Damage | undefined;
  const log = { topic: ctx.topic, partition: ctx.partition };
  try {
    for (let i = 0; i < bases.length; i++) {
      const { segment, fileSize, mtimeMs } = await Segment.open(ctx.dir, bases[i]!, ctx.files);
      const previous = segments[segments.length - 1];
      segments.push(segment);
      if (damage) continue;
      const isLast = i === bases.length - 1;
      const indexProblem = isLast && mode === 'unclean' ? 'unclean shutdown' : await segment.loadIndexes(fileSize, mtimeMs);
      if (indexProblem !== undefined) {
        if (indexProblem !== 'unclean shutdown') ctx.logger.warn('rebuilding segment indexes', { ...log, segment: segment.name, reason: indexProblem });
        const outcome = await scanSegment(segment, fileSize, ctx.config().indexIntervalBytes, mtimeMs);
        if (outcome.kind === 'corrupt') {
          damage = { segment: segment.name, position: outcome.position, reason: outcome.reason };
        } else if (outcome.kind === 'torn-tail' && !isLast) {
          damage = { segment: segment.name, position: outcome.position, reason: `${outcome.reason} (in a segment that is not the last one)` };
        } else if (outcome.kind === 'torn-tail') {
          await segment.truncate(outcome.position);
          ctx.counters.fsyncs++;
          ctx.logger.warn('truncated torn tail of log segment', {
            ...log,
            segment: segment.name,
            position: outcome.position,
            bytesRemoved: fileSize - outcome.position,
            lastValidOffset: segment.nextOffset - 1,
            logEndOffset: segment.nextOffset,
            reason: outcome.reason,
          });
        }
        if (!damage && !isLast) await segment.sealIndexes();
      }
      if (!damage && previous && previous.nextOffset !== segment.baseOffset) {
        damage = {
          segment: segment.name,
          position: 0,
          reason: `offset gap: previous segment ends at offset ${previous.nextOffset}, this one starts at ${segment.baseOffset}`,
        };
      }
    }
  } catch (err) {
    await Promise.all(segments.map((s) => s.close()));
    throw err;
  }
  if (damage) ctx.logger.error('partition damaged, refusing to serve it', { ...log, ...damage });
  return new PartitionLog(ctx, segments, await readLogStart(ctx.dir), damage);
}

/** Drops leftovers of interrupted operations (temp files, indexes whose log was deleted) and
 * returns segment base offsets in order. */
async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  const bases = new Set<number>();
  for (const name of names) {
    const base = parseSegmentLogName(name);
    if (base !== undefined) bases.add(base);
  }
  for (const name of names) {
    const orphanIndex = /^(\d{20})\.(index|timeindex)$/.exec(name);
    if (name.endsWith('.tmp') || (orphanIndex && !bases.has(Number(orphanIndex[1])))) await removeQuietly(join(dir, name));
  }
  return [...bases].sort((a, b) => a - b);
}

async function readLogStart(dir: string): Promise<number> {
  try {
    const value = Number((await readFile(join(dir, LOG_START_FILE), 'utf8')).trim());
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}
