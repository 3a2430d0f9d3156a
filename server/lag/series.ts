/**
 * LagSample rows: one sample is a total row (topic '') plus one row per topic, all with the same
 * `at`, so a series is rebuilt by grouping rows on `at`.
 */
import type { GroupDetail } from '../../broker/control/connectors/index.js';
import type { Db } from '../db/client.js';

/** Per topic: summed lag (known partitions only) and summed committed offsets. */
export interface TopicTotals {
  lag: number;
  committed: number;
}

export interface LagPoint {
  /** Epoch ms. */
  at: number;
  lag: number;
  /** Messages consumed per second since the previous sample; null on the first one or after a reset. */
  rate: number | null;
  byTopic: Record<string, number>;
}

export function topicTotals(group: Pick<GroupDetail, 'offsets'>): Map<string, TopicTotals> {
  const totals = new Map<string, TopicTotals>();
  for (const o of group.offsets) {
    const t = totals.get(o.topic) ?? { lag: 0, committed: 0 };
    t.lag += o.lag ?? 0;
    t.committed += o.committedOffset ?? 0;
    totals.set(o.topic, t);
  }
  return totals;
}

/** Consumed per second between two readings; null when unknown or when offsets moved back (a reset). */
export function consumedRate(prevCommitted: number | undefined, committed: number, elapsedMs: number): number | null {
  if (prevCommitted === undefined || elapsedMs <= 0 || committed < prevCommitted) return null;
  return ((committed - prevCommitted) * 1000) / elapsedMs;
}

export interface SampleRowsInput {
  clusterId: string;
  groupId: string;
  at: Date;
  totals: Map<string, TopicTotals>;
  /** Committed sums of the previous sample, keyed by topic ('' = total), with its time. */
  previous?: { at: number; committed: Map<string, number> };
}

export async function writeSample(db: Db, input: SampleRowsInput): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  let totalLag = 0;
  let totalCommitted = 0;
  for (const [topic, t] of input.totals) {
    committed.set(topic, t.committed);
    totalLag += t.lag;
    totalCommitted += t.committed;
  }
  committed.set('', totalCommitted);
  const elapsed = input.previous ? input.at.getTime() - input.previous.at : 0;
  const rate = (topic: string) => consumedRate(input.previous?.committed.get(topic), committed.get(topic)!, elapsed);
  const base = { clusterId: input.clusterId, groupId: input.groupId, at: input.at };
  await db.lagSample.createMany({
    data: [
      { ...base, topic: '', lag: BigInt(totalLag), rate: rate('') },
      ...[...input.totals].map(([topic, t]) => ({ ...base, topic, lag: BigInt(t.lag), rate: rate(topic) })),
    ],
  });
  return committed;
}

export async function readSeries(db: Db, clusterId: string, groupId: string, since: Date): Promise<LagPoint[]> {
  const rows = await db.lagSample.findMany({
    where: { clusterId, groupId, at: { gte: since } },
    orderBy: { at: 'asc' },
    select: { at: true, topic: true, lag: true, rate: true },
  });
  const points = new Map<number, LagPoint>();
  for (const r of rows) {
    const at = r.at.getTime();
    let p = points.get(at);
    if (!p) points.set(at, (p = { at, lag: 0, rate: null, byTopic: {} }));
    if (r.topic === '') {
      p.lag = Number(r.lag);
      p.rate = r.rate;
    } else p.byTopic[r.topic] = Number(r.lag);
  }
  return [...points.values()];
}

/** Deletes rows older than `before`; returns how many. */
export async function pruneSamples(db: Db, before: Date): Promise<number> {
  return (await db.lagSample.deleteMany({ where: { at: { lt: before } } })).count;
}
