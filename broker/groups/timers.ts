/**
 * The coordinator's only view of time, so tests can drive sessions and rebalances on a manual
 * clock. `systemTimers` is the production implementation (timers are unref'd: a pending session
 * expiry must never keep the process alive).
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export function systemTimers(): Timers {
  let next = 1;
  const live = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      const id = next++;
      const t = setTimeout(() => {
        live.delete(id);
        fn();
      }, Math.max(0, ms));
      t.unref();
      live.set(id, t);
      return { id };
    },
    clearTimeout(handle) {
      const t = live.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      live.delete(handle.id);
    },
  };
}

/**
 * Deterministic timers for tests: nothing fires until `advance` moves the clock. Timers due at
 * the same instant fire in the order they were set. After each fired timer the microtask and
 * immediate queues are drained, so async work a timer started (a persisted write) settles before
 * the next timer runs.
 */
export class ManualTimers implements Timers {
  private current: number;
  private seq = 1;
  private readonly pending = new Map<number, { due: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.seq++;
    this.pending.set(id, { due: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle.id);
  }

  /** Number of timers not yet fired. */
  get size(): number {
    return this.pending.size;
  }

  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      let bestId = -1;
      let best: { due: number; fn: () => void } | undefined;
      for (const [id, t] of this.pending) {
        if (t.due <= target && (best === undefined || t.due < best.due)) {
          best = t;
          bestId = id;
        }
      }
      if (best === undefined) break;
      this.pending.delete(bestId);
      this.current = best.due;
      best.fn();
      await settle();
    }
    this.current = target;
    await settle();
  }
}

/** Lets promise chains and setImmediate callbacks started so far run to completion. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
