import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetMap } from '../../../broker/queues/offset-map.js';

type Op = { op: 'set'; o: number; v: number } | { op: 'delete'; o: number } | { op: 'get'; o: number };

/** Offsets drawn the ways a partition's in-flight window produces them: a sliding run, strides
 * of a power of two (which a mask-only hash would pile into one slot), and far-apart large ones. */
const offset = fc.oneof(
  fc.integer({ min: 0, max: 3000 }),
  fc.integer({ min: 0, max: 200 }).map((i) => i * 1024),
  fc.integer({ min: 0, max: 50 }).map((i) => 2 ** 32 + i * 2 ** 16),
  fc.constantFrom(0, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), o: offset, v: fc.integer() }),
  fc.record({ op: fc.constant('delete' as const), o: offset }),
  fc.record({ op: fc.constant('get' as const), o: offset }),
);

function expectSame(m: OffsetMap<number>, model: Map<number, number>): void {
  expect(m.size).toBe(model.size);
  expect(new Map(m.entries())).toEqual(model);
  expect(m.keys().sort((a, b) => a - b)).toEqual([...model.keys()].sort((a, b) => a - b));
  expect(m.values().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
}

describe('OffsetMap', () => {
  it('behaves like a Map under any sequence of sets, deletes and gets', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const m = new OffsetMap<number>();
        const model = new Map<number, number>();
        for (const x of ops) {
          if (x.op === 'set') {
            m.set(x.o, x.v);
            model.set(x.o, x.v);
          } else if (x.op === 'delete') {
            expect(m.delete(x.o)).toBe(model.delete(x.o));
          } else {
            expect(m.get(x.o)).toBe(model.get(x.o));
            expect(m.has(x.o)).toBe(model.has(x.o));
          }
        }
        expectSame(m, model);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every key reachable through a consume-like sliding window, growing and shrinking', () => {
    const m = new OffsetMap<string>();
    const model = new Map<number, string>();
    let next = 0;
    let oldest = 0;
    // Lease 500, ack 250 out of order, now and then a spike of 20,000 in flight drained again.
    for (let round = 0; round < 400; round++) {
      const lease = round % 100 === 50 ? 20_000 : 500;
      for (let i = 0; i < lease; i++, next++) {
        m.set(next, `v${next}`);
        model.set(next, `v${next}`);
      }
      const acks = round % 100 === 51 ? 20_000 : 500;
      for (let i = acks - 1; i >= 0 && oldest + i < next; i--) {
        expect(m.delete(oldest + i)).toBe(model.delete(oldest + i));
      }
      oldest = Math.min(next, oldest + acks);
      for (let o = oldest - 3; o < Math.min(next, oldest + 3); o++) expect(m.get(o)).toBe(model.get(o));
    }
    expectSame(m as unknown as OffsetMap<number>, model as unknown as Map<number, number>);
  });

  it('iterates over a copy, so entries can be deleted while iterating', () => {
    const m = new OffsetMap<number>();
    for (let o = 0; o < 100; o++) m.set(o, o);
    for (const o of m.keys()) if (o % 3 !== 0) m.delete(o);
    expect(m.keys().sort((a, b) => a - b)).toEqual(Array.from({ length: 34 }, (_, i) => i * 3));
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get(0)).toBeUndefined();
  });
});
