/**
 * A map from log offsets (non-negative safe integers) to values: open addressing with linear
 * probing and backward-shift deletion, so no tombstones, and it never shrinks below what it grew
 * to unless it empties out far below that.
 *
 * Why not Map: a partition's in-flight messages are a window of offsets that is added to on every
 * receive and removed from on every ack. In a consume of 200,000 messages through the HTTP API,
 * V8's Map spent ~0.16 µs per set and ~0.12 µs per delete (it rehashes as it grows and shrinks
 * around the window size), about 3 % of the server's CPU; this table does neither.
 *
 * Iteration (keys, values, entries) returns a copy, so callers may delete while iterating; it
 * is not in offset or insertion order.
 */
const EMPTY = -1;
const MIN_CAPACITY = 16;

export class OffsetMap<V> {
  private keys_: Float64Array;
  private vals: Array<V | undefined>;
  private mask: number;
  private shift: number;
  private count = 0;

  constructor() {
    this.keys_ = new Float64Array(MIN_CAPACITY).fill(EMPTY);
    this.vals = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
  }

  get size(): number {
    return this.count;
  }

  /** Fibonacci hashing of the offset's low 32 bits: consecutive offsets land spread out, and
   * offsets a power of two apart (which `o & mask` would pile into one slot) do not collide. */
  private slot(o: number): number {
    return Math.imul(o | 0, 0x9e3779b1) >>> this.shift;
  }

  private find(o: number): number {
    const keys = this.keys_;
    for (let i = this.slot(o); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === o) return i;
      if (k === EMPTY) return -1;
    }
  }

  get(o: number): V | undefined {
    const i = this.find(o);
    return i < 0 ? undefined : this.vals[i];
  }

  has(o: number): boolean {
    return this.find(o) >= 0;
  }

  set(o: number, v: V): this {
    const keys = this.keys_;
    let i = this.slot(o);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === o) {
        this.vals[i] = v;
        return this;
      }
      if (k === EMPTY) break;
    }
    keys[i] = o;
    this.vals[i] = v;
    // Load factor at most 1/2 keeps probe runs short.
    if (++this.count * 2 > keys.length) this.resize(keys.length * 2);
    return this;
  }

  delete(o: number): boolean {
    let i = this.find(o);
    if (i < 0) return false;
    const keys = this.keys_;
    const vals = this.vals;
    const mask = this.mask;
    // Backward shift: move later members of the probe run into the hole when their home slot
    // does not lie cyclically in (hole, j], so every key stays reachable from its home slot.
    for (let j = (i + 1) & mask; keys[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.slot(keys[j]!);
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      vals[i] = vals[j];
      i = j;
    }
    keys[i] = EMPTY;
    vals[i] = undefined;
    this.count--;
    // Give memory back after a spike (a large backlog leased and acked), not on every dip.
    if (keys.length > 1024 && this.count * 16 < keys.length) this.resize(keys.length / 4);
    return true;
  }

  clear(): void {
    this.keys_.fill(EMPTY);
    this.vals.fill(undefined);
    this.count = 0;
  }

  entries(): Array<[number, V]> {
    const out: Array<[number, V]> = [];
    for (let i = 0; i < this.keys_.length; i++) if (this.keys_[i] !== EMPTY) out.push([this.keys_[i]!, this.vals[i] as V]);
    return out;
  }

  keys(): number[] {
    return this.entries().map(([o]) => o);
  }

  values(): V[] {
    return this.entries().map(([, v]) => v);
  }

  private resize(capacity: number): void {
    const oldKeys = this.keys_;
    const oldVals = this.vals;
    const cap = Math.max(MIN_CAPACITY, capacity);
    this.keys_ = new Float64Array(cap).fill(EMPTY);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i]!;
      if (k === EMPTY) continue;
      let j = this.slot(k);
      while (this.keys_[j] !== EMPTY) j = (j + 1) & this.mask;
      this.keys_[j] = k;
      this.vals[j] = oldVals[i];
    }
  }
}
