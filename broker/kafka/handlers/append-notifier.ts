/**
 * Wakes long-polling Fetch requests when a partition grows.
 *
 * The store announces every acknowledged append (`LogStore.onAppend`, whoever appended: Kafka
 * Produce, the group coordinator's offsets topic, later the HTTP API); Fetch waits with
 * `waitForAppend` on the partitions it asked for. One notifier per `LogStore` (kept in a WeakMap,
 * so the handler contract needs no extra field).
 */
import type { LogStore } from '../../storage/types.js';

type Waiter = () => void;

export class AppendNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();

  notifyAppend(topic: string, partition: number): void {
    const key = partitionKey(topic, partition);
    const set = this.waiters.get(key);
    if (!set) return;
    this.waiters.delete(key);
    for (const wake of set) wake();
  }

  /**
   * Resolves on the first append to any of `partitions`, or when `signal` fires (timeout,
   * shutdown). Always resolves; never rejects. Cleans up its registrations either way.
   */
  waitForAppend(partitions: readonly { topic: string; partition: number }[], signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const keys = partitions.map((p) => partitionKey(p.topic, p.partition));
      const done: Waiter = () => {
        signal.removeEventListener('abort', done);
        for (const key of keys) {
          const set = this.waiters.get(key);
          if (!set) continue;
          set.delete(done);
          if (set.size === 0) this.waiters.delete(key);
        }
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      for (const key of keys) {
        let set = this.waiters.get(key);
        if (!set) this.waiters.set(key, (set = new Set()));
        set.add(done);
      }
    });
  }

  /** Registered waiters (tests). */
  get size(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }
}

function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

const notifiers = new WeakMap<LogStore, AppendNotifier>();

/** The notifier shared by every handler using this store. */
export function appendNotifier(store: LogStore): AppendNotifier {
  let n = notifiers.get(store);
  if (!n) {
    const created = (n = new AppendNotifier());
    store.onAppend((topic, partition) => created.notifyAppend(topic, partition));
    notifiers.set(store, created);
  }
  return n;
}
