/**
 * Moving unsettled messages of one subscription to the topic's archive (`<topic>.expired`) for a
 * reason other than their TTL: backlog overflow (backlog-archive.ts) and retention
 * (retention-guard.ts). Same order as dead-lettering: the archived copies are appended (durable)
 * first, the settle is journaled second, so a crash in between leaves the messages unsettled and
 * they are archived again later: the archive can hold a duplicate, never a gap.
 */
import type { DecodedRecord } from '../records/decoder.js';
import { encodeBatch, type RecordInput } from '../records/encoder.js';
import type { QueueContext } from './context.js';
import type { SubState } from './state.js';
import { archivedHeaders, ensureArchiveTopic, forgetRuntimeEntries } from './ttl.js';

export const BACKLOG_OVERFLOW_REASON = 'backlog-overflow';
export const RETENTION_REASON = 'retention';

/** Archive appends are split so each batch stays well under the default max.message.bytes. */
const MAX_ARCHIVE_BATCH_BYTES = 512 * 1024;

/**
 * Archives `recs` (records of partition `p`, none settled, none being moved elsewhere) and settles
 * them for `sub` as expired. The caller runs it inside ctx.exclusive(sub), so no receive leases
 * them meanwhile. A lease still held on one of them ends: its receipt answers MESSAGE_SETTLED.
 */
export async function archiveAndSettle(ctx: QueueContext, sub: SubState, p: number, recs: readonly DecodedRecord[], reason: string): Promise<void> {
  if (recs.length === 0) return;
  const { topic, name } = sub.info;
  const archive = await ensureArchiveTopic(ctx, topic);
  const now = ctx.now();
  let batch: RecordInput[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await ctx.store.append(archive, 0, await encodeBatch(batch));
    batch = [];
    bytes = 0;
  };
  for (const rec of recs) {
    const headers = archivedHeaders(sub, p, rec, reason, now);
    const size = (rec.key?.length ?? 0) + (rec.value?.length ?? 0) + headers.reduce((n, h) => n + h.key.length + (h.value?.length ?? 0), 0) + 64;
    if (bytes + size > MAX_ARCHIVE_BATCH_BYTES) await flush();
    batch.push({ key: rec.key, value: rec.value, headers, timestamp: now });
    bytes += size;
  }
  await flush();
  await ctx.commit([{ e: 'done', topic, name, p, o: recs.map((r) => r.offset), how: 'expired' }]);
  forgetRuntimeEntries(sub, p, recs);
}
