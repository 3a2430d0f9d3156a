/**
 * Binary min-heap keyed by a time. Schedules (lease expiries, redeliveries) live here so a tick
 * costs O(log n) per due entry and nothing for entries not yet due, however many there are.
 * Entries are never removed early: a consumer checks on pop whether the entry is still current.
 */
export class TimeHeap<T extends { at: number }> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.at <= item.at) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = item;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the earliest entry if it is due at `now`. */
  popDue(now: number): T | undefined {
    const top = this.items[0];
    if (top === undefined || top.at > now) return undefined;
    const last = this.items.pop()!;
    if (this.items.length > 0) this.siftDown(last);
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }

  private siftDown(item: T): void {
    const a = this.items;
    const n = a.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && a[child + 1]!.at < a[child]!.at) child++;
      if (a[child]!.at >= item.at) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = item;
  }
}
