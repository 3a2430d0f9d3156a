/** Unit tests of the sequence bookkeeping (broker/kafka/producers/producer-state.ts). */
import { describe, expect, it } from 'vitest';
import { lastSequenceOf, nextSequence, PartitionProducers, type CheckResult } from '../../../../broker/kafka/producers/producer-state.js';

const MAX = 0x7fffffff;
const b = (producerId: number, producerEpoch: number, baseSequence: number, lastOffsetDelta = 0) => ({ producerId, producerEpoch, baseSequence, lastOffsetDelta });

function reserved(r: CheckResult) {
  if (r.kind !== 'append') throw new Error(`expected a reservation, got ${JSON.stringify(r)}`);
  return r.reservation;
}

describe('producer state', () => {
  it('sequence arithmetic wraps at Int32.MAX', () => {
    expect(lastSequenceOf(0, 4)).toBe(4);
    expect(lastSequenceOf(MAX, 0)).toBe(MAX);
    expect(lastSequenceOf(MAX - 1, 2)).toBe(0);
    expect(lastSequenceOf(MAX, 3)).toBe(2);
    expect(nextSequence(MAX)).toBe(0);
    expect(nextSequence(7)).toBe(8);
  });

  it('a released reservation restores the expected sequence; a committed one becomes a duplicate', () => {
    const s = new PartitionProducers();
    reserved(s.check(b(1, 0, 0, 1))).commit(10);
    const r = reserved(s.check(b(1, 0, 2)));
    expect(s.check(b(1, 0, 3)).kind).toBe('append'); // pipelined after the reservation
    r.release(56);
    // r was not the latest reservation: nothing is rolled back.
    expect(s.check(b(1, 0, 4))).toEqual({ kind: 'append', reservation: expect.anything() });
    expect(s.check(b(1, 0, 0, 1))).toEqual({ kind: 'duplicate', baseOffset: 10 });
  });

  it('releasing the latest reservation rolls back sequence and epoch', () => {
    const s = new PartitionProducers();
    reserved(s.check(b(1, 0, 0))).commit(0);
    reserved(s.check(b(1, 1, 0))).release(56); // epoch bump whose append failed
    expect(s.check(b(1, 0, 1)).kind).toBe('append'); // epoch 0 is current again
    const fresh = reserved(s.check(b(2, 0, 5)));
    fresh.release(56);
    expect(s.size).toBe(1); // the unknown producer's entry is dropped again
  });

  it('a resend of an in-flight batch waits for its outcome', async () => {
    const s = new PartitionProducers();
    const r = reserved(s.check(b(1, 0, 0)));
    const again = s.check(b(1, 0, 0));
    expect(again.kind).toBe('pending');
    r.commit(42);
    await expect(again.kind === 'pending' ? again.outcome : null).resolves.toEqual({ baseOffset: 42 });
  });
});
