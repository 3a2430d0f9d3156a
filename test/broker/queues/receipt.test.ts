import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../../broker/errors.js';
import { decodeReceipt, encodeReceipt, newLeaseToken } from '../../../broker/queues/receipt.js';
import { expectCode } from '../storage/helpers.js';
import { freshName, queueFixture } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

const raw = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function codeOf(receipt: unknown): string {
  try {
    decodeReceipt(receipt);
    return 'decoded';
  } catch (err) {
    return err instanceof SluiceError ? err.code : `not a SluiceError: ${String(err)}`;
  }
}

describe('receipts', () => {
  it('round-trip topic, subscription, partition, offset and token', () => {
    const r = { topic: 'orders.eu-1', subscription: 'billing_v2', partition: 11, offset: 9_007_199_254_740_991, token: newLeaseToken() };
    expect(decodeReceipt(encodeReceipt(r))).toEqual(r);
    const zero = { ...r, topic: 'a', subscription: 'b.c-d_e', offset: 0, partition: 0 };
    expect(decodeReceipt(encodeReceipt(zero))).toEqual(zero);
    // The first form (base64url), issued before q2, still decodes: leases outlive upgrades.
    expect(decodeReceipt(raw(`r1\norders.eu-1\nbilling_v2\n11\n42\n${r.token}`))).toEqual({ ...r, offset: 42 });
  });

  it('refuse anything that is not a receipt this broker issued', () => {
    const tok = newLeaseToken();
    for (const bad of [
      undefined,
      42,
      '',
      'not a receipt',
      'x'.repeat(1025),
      raw(`r1\nt\ns\n1\n2`),
      raw(`r1\nt\ns\n1\n2\n${tok}\nextra`),
      raw(`r2\nt\ns\n1\n2\n${tok}`),
      raw(`r1\n\ns\n1\n2\n${tok}`),
      raw(`r1\nt\n\n1\n2\n${tok}`),
      raw(`r1\nt\ns\n\n2\n${tok}`),
      raw(`r1\nt\ns\n1\n-2\n${tok}`),
      raw(`r1\nt\ns\n1a\n2\n${tok}`),
      raw(`r1\nt\ns\n1\n99999999999999999\n${tok}`),
      raw(`r1\nt\ns\n1\n2\n${tok.slice(1)}`),
      raw(`r1\nt\ns\n1\n2\n${tok.slice(1)}!`),
      `q2.1.2.${tok}.t`,
      `q2.1.2.${tok}.~s`,
      `q2.1.2.${tok}.t~`,
      `q2.1.2.${tok}.t~s~x`,
      `q2.1.2.${tok}.t/x~s`,
      `q2.1.2.${tok}t~s`,
      `q2.1.2.${tok.slice(1)}.t~s`,
      `q2.1.${tok}.t~s`,
      `q2..2.${tok}.t~s`,
      `q2.1.-2.${tok}.t~s`,
      `q2.1.99999999999999999.${tok}.t~s`,
      `q2.x.2.${tok}.t~s`,
      `q3.1.2.${tok}.t~s`,
    ]) {
      expect(codeOf(bad), String(bad)).toBe('INVALID_RECEIPT');
    }
    expect(codeOf(raw(`r1\nt\ns\n1\n2\n${tok}`))).toBe('decoded');
    expect(codeOf(`q2.1.2.${tok}.t~s`)).toBe('decoded');
    // Right after a valid receipt with the same names (the per-batch memo of the names), a bad
    // token or an empty tail is still refused.
    for (const badChar of ['!', '.', '~', '=', '+', '/', ' ', 'é']) {
      expect(codeOf(`q2.1.2.${tok.slice(1)}${badChar}.t~s`), badChar).toBe('INVALID_RECEIPT');
    }
    expect(codeOf(`q2.1.2.${tok}.`)).toBe('INVALID_RECEIPT');
    expect(codeOf(`q2.1.2.${tok}.t~s`)).toBe('decoded');
  });

  it('a batch ack naming one message twice is refused whole and acks nothing', async () => {
    const f = await fx.start();
    const topic = freshName('receipts');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 'workers');
    await f.engine.publish(topic, [{ value: 'a' }, { value: 'b' }]);
    const [a, b] = await f.engine.receive(topic, 'workers', { max: 2 });
    await expectCode(f.engine.ack([a!.receipt, b!.receipt, a!.receipt]), 'INVALID_REQUEST');
    expect(f.engine.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 2, acked: 0 });
    await f.engine.ack([a!.receipt, b!.receipt]);
    expect(f.engine.describeSubscription(topic, 'workers').counts).toMatchObject({ inFlight: 0, acked: 2 });
  });
});
