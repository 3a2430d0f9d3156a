/**
 * Archive before retention. The engine installs this as the store's before-retention hook
 * (LogStore.setBeforeRetentionDelete): before retention.ms / retention.bytes deletes the records
 * [from, to) of a partition, every message there that a subscription has not settled (leased
 * ones included: their receipts then answer MESSAGE_SETTLED) is appended to `<topic>.expired`
 * with reason `retention` and settled for that subscription, journaled; the store deletes the
 * segments only after that. If this throws (journal down, engine closing, a message of the range
 * in the middle of another move), the store keeps the segments until its next retention run.
 *
 * Not applied when the topic's `archiveBeforeRetention` is off (then retention removes them and
 * the subscriptions skip them), to topics without subscriptions, to internal topics (`__*`) and
 * to archive topics (`*.expired`) themselves.
 */
import { SluiceError } from '../errors.js';
import type { BeforeRetentionDelete } from '../storage/types.js';
import { RETENTION_REASON, archiveAndSettle } from './archive.js';
import { settlingKey, type QueueContext } from './context.js';
import { readChunk } from './log-reader.js';
import type { SubState } from './state.js';

export function isArchiveExempt(topic: string): boolean {
  return topic.startsWith('__') || topic.endsWith('.expired');
}

/**
 * The store's hook while the engine cannot archive. Starting (`topics` undefined): until the
 * journal is replayed nobody knows which messages are unsettled, so every deletion waits. Closed:
 * the topics that had subscriptions (with the setting on) wait until the queue layer is open
 * again, other topics are trimmed as usual. Either way the store keeps the segments and retries
 * on its next run, so retention never deletes what a subscription still owes.
 */
export function holdRetention(why: string, topics?: ReadonlySet<string>): BeforeRetentionDelete {
  return async (topic, partition, from, to) => {
    if (isArchiveExempt(topic) || (topics && !topics.has(topic))) return;
    throw new SluiceError('RETENTION_DEFERRED', `retention of ${topic}/${partition} [${from}, ${to}) waits: ${why}`, { topic, partition });
  };
}

/** Topics whose unsettled messages retention must archive first: the engine's guarded set. */
export function guardedTopics(ctx: QueueContext): Set<string> {
  const out = new Set<string>();
  for (const sub of ctx.state.subs.values()) {
    const topic = sub.info.topic;
    if (!isArchiveExempt(topic) && ctx.state.policies.get(topic).archiveBeforeRetention) out.add(topic);
  }
  return out;
}

export async function archiveBeforeRetention(ctx: QueueContext, topic: string, p: number, from: number, to: number): Promise<void> {
  if (isArchiveExempt(topic) || !ctx.state.policies.get(topic).archiveBeforeRetention) return;
  const subs = [...ctx.state.subs.values()].filter((s) => s.info.topic === topic);
  if (subs.length === 0) return;
  ctx.assertOpen();
  for (const sub of subs) {
    // The subscription's lock: no receive leases from the range while it is being archived.
    await ctx.exclusive(sub, () => archiveRange(ctx, sub, p, from, to));
  }
}

async function archiveRange(ctx: QueueContext, sub: SubState, p: number, from: number, to: number): Promise<void> {
  ctx.assertOpen();
  // Deleted meanwhile: nothing of it is left to protect.
  if (ctx.state.get(sub.info.topic, sub.info.name) !== sub) return;
  const { topic, name } = sub.info;
  const ps = sub.part(p);
  let pos = Math.max(from, ps.cursor, ctx.store.offsets(topic, p).logStartOffset);
  while (pos < to) {
    const chunk = await readChunk(ctx.store, topic, p, pos);
    if (chunk.next <= pos) break;
    pos = chunk.next;
    // Not messages (control batches, gaps): settled without a journal entry, as refill does.
    for (const o of chunk.skipped) if (o < to) ps.settle(o);
    const recs = chunk.records.filter((r) => r.offset < to && !ps.isSettled(r.offset));
    const moving = recs.find((r) => ctx.settling.has(settlingKey(topic, name, p, r.offset)));
    if (moving) {
      // A dead-letter or TTL move reads the record after it starts; deleting it now could lose it.
      throw new SluiceError('RETENTION_DEFERRED', `message ${topic}/${p}@${moving.offset} of subscription ${name} is being moved; retention waits for the next run`, {
        topic,
        subscription: name,
        partition: p,
        offset: moving.offset,
      });
    }
    await archiveAndSettle(ctx, sub, p, recs, RETENTION_REASON);
  }
}
