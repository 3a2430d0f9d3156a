/**
 * Backlog limit with either overflow policy. `reject` (backlog.ts): a publish that would take a
 * subscription past the limit is refused with BACKLOG_FULL. `archive-oldest`: the publish
 * succeeds, and first the oldest *waiting* messages (not leased: fresh, delayed, or waiting for
 * redelivery) of every subscription that would go past the limit are archived to `<topic>.expired`
 * with reason `backlog-overflow` and settled for that subscription, so its depth stays <= the
 * limit. Leased messages count but are never taken from their consumer: when the waiting ones
 * cannot make enough room (in-flight messages alone fill the limit), or the batch alone is larger
 * than the limit, the publish is refused with BACKLOG_FULL and nothing is archived.
 *
 * "Oldest" is by offset within a partition and by record timestamp across partitions. Room-making
 * and handing the appends to the store run one publish at a time per topic, and room is made for
 * the appends still in flight too (the store's next offset, not its high watermark), so concurrent
 * publishes cannot overshoot the limit; a publish does not wait for the previous one to be
 * durable, so publishes to the topic still share fdatasyncs. Messages in flight are not yet
 * waiting, so room is never made by archiving them.
 */
import { SluiceError } from '../errors.js';
import type { DecodedRecord } from '../records/decoder.js';
import { BACKLOG_OVERFLOW_REASON, archiveAndSettle } from './archive.js';
import { assertBacklogRoom, depthOf, reservedDepthOf } from './backlog.js';
import { settlingKey, type QueueContext } from './context.js';
import { readChunk } from './log-reader.js';
import type { SubState } from './state.js';

const chains = new WeakMap<QueueContext, Map<string, Promise<unknown>>>();
/** Appends to archive-oldest topics handed to the store and not yet durable, per topic. */
const appending = new WeakMap<QueueContext, Map<string, Set<Promise<unknown>>>>();

/** Runs `append` (the publish's appends of `adding` messages) under the topic's overflow policy. */
export async function appendWithinBacklog<T>(ctx: QueueContext, topic: string, adding: number, append: () => Promise<T>): Promise<T> {
  // Only duplicates of earlier idempotent publishes: nothing is added, so nothing can overflow. A
  // producer retrying after a lost answer must get its original positions, not BACKLOG_FULL.
  if (adding === 0) return append();
  if (ctx.state.policies.get(topic).backlogPolicy !== 'archive-oldest' || !ctx.state.backlogLimit.has(topic)) {
    assertBacklogRoom(ctx, topic, adding);
    return append();
  }
  // The chain holds the topic until the appends are handed to the store (their offsets stamped),
  // not until they are durable: the box keeps the append's promise out of the chain's value.
  const { appended } = await oneAtATime(ctx, topic, async () => {
    const max = ctx.state.backlogLimit.get(topic);
    if (max !== undefined) await makeRoom(ctx, topic, adding, max);
    return { appended: track(ctx, topic, append()) };
  });
  return appended;
}

function track<T>(ctx: QueueContext, topic: string, appended: Promise<T>): Promise<T> {
  let byTopic = appending.get(ctx);
  if (!byTopic) appending.set(ctx, (byTopic = new Map()));
  let set = byTopic.get(topic);
  if (!set) byTopic.set(topic, (set = new Set()));
  const done = appended.then(
    () => undefined,
    () => undefined,
  );
  set.add(done);
  void done.then(() => {
    set.delete(done);
    if (set.size === 0 && byTopic.get(topic) === set) byTopic.delete(topic);
  });
  return appended;
}

/** Room is made only from messages in the log; when appends still in flight are what stands in
 * the way, they are waited for (they become waiting messages, or fail and free their room). */
async function waitForRoomInLog(ctx: QueueContext, topic: string, adding: number, max: number): Promise<void> {
  for (;;) {
    const inFlight = appending.get(ctx)?.get(topic);
    if (!inFlight || inFlight.size === 0) return;
    const blocked = [...ctx.state.subs.values()].some((sub) => {
      if (sub.info.topic !== topic) return false;
      const need = reservedDepthOf(ctx, sub) + adding - max;
      return need > 0 && movableOf(ctx, sub) < need;
    });
    if (!blocked) return;
    await Promise.all(inFlight);
  }
}

async function makeRoom(ctx: QueueContext, topic: string, adding: number, max: number): Promise<void> {
  await waitForRoomInLog(ctx, topic, adding, max);
  const over: SubState[] = [];
  // Every subscription is checked before anything is archived: a refused publish moves nothing.
  for (const sub of ctx.state.subs.values()) {
    if (sub.info.topic !== topic) continue;
    const depth = reservedDepthOf(ctx, sub);
    if (depth + adding <= max) continue;
    assertMovable(ctx, sub, depth, adding, max);
    over.push(sub);
  }
  for (const sub of over) {
    await ctx.exclusive(sub, async () => {
      // Receives may have leased some meanwhile: check again under the subscription's lock.
      const depth = reservedDepthOf(ctx, sub);
      if (depth + adding <= max) return;
      assertMovable(ctx, sub, depth, adding, max);
      const oldest = await oldestWaiting(ctx, sub, depth + adding - max);
      for (const [p, recs] of oldest) await archiveAndSettle(ctx, sub, p, recs, BACKLOG_OVERFLOW_REASON);
      assertMovable(ctx, sub, reservedDepthOf(ctx, sub), adding, max);
    });
  }
}

/** `depth` counts appends in flight (reservedDepthOf); those are not in the log yet, so not movable. */
function assertMovable(ctx: QueueContext, sub: SubState, depth: number, adding: number, max: number): void {
  const need = depth + adding - max;
  const movable = movableOf(ctx, sub);
  if (adding <= max && movable >= need) return;
  const why = adding > max ? `the publish of ${adding} messages is larger than the limit` : `only ${Math.max(0, movable)} of its ${depth} unsettled messages are waiting (the rest are leased), ${need} would have to be archived`;
  throw new SluiceError('BACKLOG_FULL', `topic ${sub.info.topic} is at its backlog limit ${max} (policy archive-oldest): subscription ${sub.info.name}: ${why}`, {
    topic: sub.info.topic,
    subscription: sub.info.name,
    depth,
    limit: max,
    inFlight: sub.inFlight,
  });
}

/** Unsettled messages in the log that may be archived: not leased, not already being moved. */
function movableOf(ctx: QueueContext, sub: SubState): number {
  const prefix = `${sub.info.topic}\n${sub.info.name}\n`; // settlingKey's layout
  let moving = 0;
  for (const k of ctx.settling) if (k.startsWith(prefix)) moving++;
  return depthOf(ctx, sub) - sub.inFlight - moving;
}

/** The `need` oldest unsettled, unleased messages of `sub`, grouped by partition. */
async function oldestWaiting(ctx: QueueContext, sub: SubState, need: number): Promise<Map<number, DecodedRecord[]>> {
  const { topic, name } = sub.info;
  const partitions = ctx.store.getTopic(topic)?.partitions ?? 0;
  const candidates: Array<{ p: number; rec: DecodedRecord }> = [];
  for (let p = 0; p < partitions; p++) {
    const ps = sub.part(p);
    const { logStartOffset, logEndOffset } = ctx.store.offsets(topic, p);
    // Retention removed what is below the log start (as receive's refill does).
    if (ps.cursor < logStartOffset) ps.jumpTo(logStartOffset);
    // The oldest `need` of each partition are enough to pick the oldest `need` overall.
    let found = 0;
    for (let pos = ps.cursor; found < need && pos < logEndOffset; ) {
      const chunk = await readChunk(ctx.store, topic, p, pos);
      if (chunk.next <= pos) break;
      pos = chunk.next;
      // Not messages (control batches, gaps): settled without a journal entry, as refill does.
      for (const o of chunk.skipped) ps.settle(o);
      for (const rec of chunk.records) {
        if (found >= need) break;
        if (ps.isSettled(rec.offset) || ps.meta.get(rec.offset)?.state === 'leased' || ctx.settling.has(settlingKey(topic, name, p, rec.offset))) continue;
        candidates.push({ p, rec });
        found++;
      }
    }
  }
  candidates.sort((a, b) => a.rec.timestamp - b.rec.timestamp || a.p - b.p || a.rec.offset - b.rec.offset);
  const out = new Map<number, DecodedRecord[]>();
  for (const { p, rec } of candidates.slice(0, need)) {
    let list = out.get(p);
    if (!list) out.set(p, (list = []));
    list.push(rec);
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

function oneAtATime<T>(ctx: QueueContext, topic: string, fn: () => Promise<T>): Promise<T> {
  let byTopic = chains.get(ctx);
  if (!byTopic) chains.set(ctx, (byTopic = new Map()));
  const prev = byTopic.get(topic) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const settled = run.catch(() => {});
  byTopic.set(topic, settled);
  // Forget the chain once it is idle, so the map does not grow with every topic ever published to.
  void settled.then(() => {
    if (byTopic.get(topic) === settled) byTopic.delete(topic);
  });
  return run;
}
