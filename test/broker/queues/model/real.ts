/**
 * The real side of the model test: an engine on a real store with a hand-moved clock, and the
 * checks run after every command (counts, log size, durable topic settings, the expired archive).
 */
import { expect } from 'vitest';
import { decodeBatches, type DecodedRecord } from '../../../../broker/records/decoder.js';
import { parseDeadLetterProvenance } from '../../../../broker/queues/provenance.js';
import { ARCHIVED_TIME_HEADER, archiveTopicOf, EXPIRED_REASON_HEADER } from '../../../../broker/queues/ttl.js';
import type { manualClock, QueueFixture } from '../helpers.js';
import { expectedCounts, expireLeases, type Model } from './model.js';

export interface Real {
  f: QueueFixture;
  clock: ReturnType<typeof manualClock>;
  topic: string;
  partitions: number;
}

export async function codeOf<T>(p: Promise<T>): Promise<{ code: 'ok'; value: T } | { code: string }> {
  try {
    return { code: 'ok', value: await p };
  } catch (err) {
    return { code: (err as { code?: string }).code ?? String(err) };
  }
}

export function logSize(r: Real): number {
  let n = 0;
  for (let p = 0; p < r.partitions; p++) n += r.f.store.offsets(r.topic, p).logEndOffset;
  return n;
}

/** Every record of `<topic>.expired`. */
export async function archived(r: Real): Promise<DecodedRecord[]> {
  const archive = archiveTopicOf(r.topic);
  if (!r.f.store.getTopic(archive)) return [];
  const out: DecodedRecord[] = [];
  for (let from = 0; from < r.f.store.offsets(archive, 0).logEndOffset; ) {
    const records = (await decodeBatches((await r.f.store.read(archive, 0, from, 1 << 20)).bytes)).flatMap((b) => b.records).filter((x) => x.offset >= from);
    if (records.length === 0) break;
    out.push(...records);
    from = records[records.length - 1]!.offset + 1;
  }
  return out;
}

/** `p:o` of the original message of an archived copy. */
export function archivedId(rec: DecodedRecord): string {
  const prov = parseDeadLetterProvenance(rec.headers);
  return `${prov?.partition}:${prov?.offset}`;
}

/** The archive holds each expired message exactly once (TTL passed or backlog overflow), with its
 * value, provenance, reason and time, and nothing else. */
async function checkArchive(m: Model, r: Real): Promise<void> {
  const recs = await archived(r);
  const want = [...m.msgs].filter(([, x]) => x.state === 'expired');
  expect(recs.map(archivedId).sort(), 'archive holds each expired message once').toEqual(want.map(([id]) => id).sort());
  for (const rec of recs) {
    const x = m.msgs.get(archivedId(rec))!;
    const [p, o] = archivedId(rec).split(':').map(Number);
    expect(rec.value?.toString('utf8'), 'archived value').toBe(x.value);
    expect(parseDeadLetterProvenance(rec.headers)).toMatchObject({ source: 'sluice', topic: r.topic, partition: p, offset: o, subscription: 's', timestamp: x.ts, attempts: x.attempts });
    const header = (key: string) => rec.headers.find((h) => h.key === key)?.value?.toString('utf8');
    expect(header(EXPIRED_REASON_HEADER), `archive reason of ${archivedId(rec)}`).toBe(x.archivedReason);
    expect(header(ARCHIVED_TIME_HEADER), `archive time of ${archivedId(rec)}`).toBe(String(x.archivedAt));
  }
}

/** Runs lease expiry on both sides, waits for the engine's asynchronous dead-lettering, then
 * compares everything observable with the model. */
export async function sync(m: Model, r: Real): Promise<void> {
  expireLeases(m, r.clock.now());
  r.f.engine.tick();
  const want = expectedCounts(m, r.clock.now());
  const agrees = () => {
    const { delayed, ...exact } = r.f.engine.describeSubscription(r.topic, 's').counts;
    const same = Object.entries(want.exact).every(([k, v]) => exact[k as keyof typeof exact] === v);
    return same && delayed >= want.delayed.min && delayed <= want.delayed.max;
  };
  for (let i = 0; i < 200 && !agrees(); i++) await new Promise((res) => setTimeout(res, 10));
  const { delayed, ...exact } = r.f.engine.describeSubscription(r.topic, 's').counts;
  expect(exact, 'subscription counts').toEqual(want.exact);
  expect(delayed, 'delayed count (min: waiting redeliveries)').toBeGreaterThanOrEqual(want.delayed.min);
  expect(delayed, 'delayed count (max: plus unread delayed publishes)').toBeLessThanOrEqual(want.delayed.max);
  // Nothing appended beyond the model's messages (duplicates and refused publishes append nothing).
  expect(logSize(r), 'records in the topic').toBe(m.msgs.size);
  expect(r.f.engine.topicTtl(r.topic), 'topic TTL').toBe(m.topicTtl);
  expect(r.f.engine.backlogLimit(r.topic), 'backlog limit').toBe(m.backlogLimit);
  expect(r.f.engine.backlogPolicy(r.topic), 'backlog policy').toBe(m.backlogPolicy);
  await checkArchive(m, r);
}
