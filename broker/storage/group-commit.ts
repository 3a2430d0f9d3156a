/**
 * Group commit: one writer per partition, and everything that arrives while it is busy is handled
 * by its next turn in one go. With `sync`, a turn is "write the group, fdatasync once, settle the
 * group", so N overlapping appends cost one fsync instead of N (the DESIGN's durability promise at
 * a fraction of the cost). Items keep arrival order, which is also offset order.
 */
export class GroupCommitter<T> {
  private queue: T[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly processGroup: (items: T[]) => Promise<void>) {}

  submit(item: T): void {
    this.queue.push(item);
    if (!this.running) this.running = this.loop();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once every submitted item has been processed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    // Let appends issued in the same tick join the first group too.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      // processGroup settles its own items, including on failure; it never throws.
      await this.processGroup(group);
    }
    this.running = undefined;
  }
}

/** `interval` policy: appends resolve once written; one fdatasync per partition at most every
 * `intervalMs` while there is unflushed data. */
export class IntervalFlusher {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly flush: () => Promise<void>,
    private readonly intervalMs: () => number,
  ) {}

  markDirty(): void {
    this.dirty = true;
    if (this.timer || this.inFlight) return;
    this.timer = setTimeout(() => void this.run(), this.intervalMs());
    // The store's close() flushes; a pending timer must not keep the process alive.
    this.timer.unref();
  }

  /** Flushes now if anything is unflushed and waits for any flush in progress. */
  async flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight) await this.inFlight;
    if (this.dirty) await this.run();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.dirty = false;
    this.inFlight = this.flush();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
      if (this.dirty) this.markDirty();
    }
  }
}
