/**
 * The process-wide lag sampler. A group is sampled every `intervalMs` only while it is watched:
 * each read of its series (the group page polling it) extends the watch by `watchMs`, so history
 * is kept while someone has the page open and sampling stops by itself when they leave.
 *
 * One entry per (cluster, group) is the "never two samplers" rule: concurrent reads share the
 * entry and its in-flight sample. Like broker/runtime.ts, the singleton lives on `globalThis`
 * because Next.js may load this module more than once in one process.
 */
import type { ClusterConnector, GroupDetail } from '../../broker/control/connectors/index.js';
import { createLogger, type Logger } from '../../broker/logger.js';
import { registerShutdownHook } from '../../broker/runtime.js';
import { getDb, type Db } from '../db/client.js';
import type { ClusterKind } from '../db/clusters.js';
import { lagSamplerConfig, type LagSamplerConfig } from './config.js';
import { pruneSamples, topicTotals, writeSample } from './series.js';

/** What the sampler needs of a cluster row: the id it stores, and what resolves its connector. */
export interface SampledCluster {
  id: string;
  name: string;
  kind: ClusterKind;
}

export interface LagSamplerOptions extends LagSamplerConfig {
  /** Re-resolved on every tick, so a restarted broker is picked up. */
  connector: (cluster: SampledCluster) => ClusterConnector;
  db?: () => Db;
  now?: () => number;
  logger?: Logger;
}

interface Entry {
  cluster: SampledCluster;
  groupId: string;
  watchedUntil: number;
  lastAt?: number;
  committed?: Map<string, number>;
  inFlight?: Promise<void>;
  timer?: NodeJS.Timeout;
}

const keyOf = (clusterId: string, groupId: string) => `${clusterId}\u0000${groupId}`;

export class LagSampler {
  readonly #o: LagSamplerOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #log: Logger;
  #lastPruneAt = 0;
  #stopped = false;

  constructor(options: LagSamplerOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#log = options.logger ?? createLogger('lag-sampler');
  }

  get intervalMs(): number {
    return this.#o.intervalMs;
  }

  get retentionMs(): number {
    return this.#o.retentionMs;
  }

  /** Whether the group currently has a sampler. */
  isSampling(clusterId: string, groupId: string): boolean {
    return this.#entries.has(keyOf(clusterId, groupId));
  }

  /**
   * Marks the group watched for the next `watchMs`, starting its sampler if it has none, and
   * resolves once a sample no older than the interval exists. A failed immediate sample is
   * thrown to the reader (it asked); failures on timer ticks are only logged.
   */
  async watch(cluster: SampledCluster, groupId: string): Promise<void> {
    if (this.#stopped) return;
    const key = keyOf(cluster.id, groupId);
    let entry = this.#entries.get(key);
    const now = this.#now();
    if (!entry) {
      entry = { cluster, groupId, watchedUntil: now + this.#o.watchMs };
      this.#entries.set(key, entry);
    } else entry.watchedUntil = Math.max(entry.watchedUntil, now + this.#o.watchMs);
    try {
      if (entry.lastAt === undefined || now - entry.lastAt >= this.#o.intervalMs) await this.#sample(entry);
    } finally {
      // Even after a failed sample the timer runs, so an unread entry still expires.
      this.#schedule(entry);
    }
  }

  /** Stops every group's sampler; later watches do nothing. Waits for samples in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const inFlight = [...this.#entries.values()].map((e) => {
      clearTimeout(e.timer);
      return e.inFlight?.catch(() => undefined);
    });
    this.#entries.clear();
    await Promise.all(inFlight);
  }

  /** Deletes rows older than the retention; returns how many. */
  async prune(): Promise<number> {
    this.#lastPruneAt = this.#now();
    return pruneSamples(this.#db(), new Date(this.#now() - this.#o.retentionMs));
  }

  #db(): Db {
    return (this.#o.db ?? getDb)();
  }

  /** Shares the in-flight sample, so concurrent readers never write two samples for one tick. */
  #sample(entry: Entry): Promise<void> {
    entry.inFlight ??= this.#takeSample(entry).finally(() => {
      entry.inFlight = undefined;
    });
    return entry.inFlight;
  }

  async #takeSample(entry: Entry): Promise<void> {
    const group: GroupDetail = await this.#o.connector(entry.cluster).getGroup(entry.groupId);
    const at = this.#now();
    const previous = entry.lastAt !== undefined && entry.committed ? { at: entry.lastAt, committed: entry.committed } : undefined;
    entry.committed = await writeSample(this.#db(), { clusterId: entry.cluster.id, groupId: entry.groupId, at: new Date(at), totals: topicTotals(group), previous });
    entry.lastAt = at;
  }

  #schedule(entry: Entry): void {
    if (entry.timer || this.#stopped) return;
    entry.timer = setTimeout(() => void this.#tick(entry), this.#o.intervalMs);
    entry.timer.unref();
  }

  /** One timer tick: sample, prune when due, reschedule while watched, else retire the entry. */
  async #tick(entry: Entry): Promise<void> {
    entry.timer = undefined;
    const key = keyOf(entry.cluster.id, entry.groupId);
    if (this.#stopped || this.#entries.get(key) !== entry) return;
    if (this.#now() > entry.watchedUntil) {
      this.#entries.delete(key);
      return;
    }
    try {
      if (entry.lastAt === undefined || this.#now() - entry.lastAt >= this.#o.intervalMs / 2) await this.#sample(entry);
      if (this.#now() - this.#lastPruneAt >= this.#o.pruneEveryMs) await this.prune();
    } catch (err) {
      this.#log.warn('lag sample failed', { cluster: entry.cluster.name, group: entry.groupId, error: (err as Error).message });
    }
    if (this.#entries.get(key) === entry) this.#schedule(entry);
  }
}

const SLOT_KEY = Symbol.for('sluice.lag.sampler');
type SamplerSlot = { [SLOT_KEY]?: LagSampler };

/** The process's sampler, created on first use with the environment's settings and stopped on shutdown. */
export function getLagSampler(connector: LagSamplerOptions['connector']): LagSampler {
  const g = globalThis as typeof globalThis & SamplerSlot;
  if (!g[SLOT_KEY]) {
    const sampler = new LagSampler({ ...lagSamplerConfig(), connector });
    g[SLOT_KEY] = sampler;
    registerShutdownHook('lag-sampler', async () => {
      await sampler.stop();
      if (g[SLOT_KEY] === sampler) delete g[SLOT_KEY];
    });
  }
  return g[SLOT_KEY];
}
