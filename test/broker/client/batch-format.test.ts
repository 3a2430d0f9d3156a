/**
 * The binary receive batch (broker/client/batch-format.ts): every field survives a round trip,
 * nulls stay null, and a damaged body is refused with the byte where it broke rather than read
 * as garbage.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessageBatch, decodePublishBatch, encodeMessageBatch, encodePublishBatch, type BatchMessage, type PublishBatchMessage } from '../../../broker/client/batch-format.js';

const message = (over: Partial<BatchMessage> = {}): BatchMessage => ({
  receipt: 'q2.3.1234567890123.AAAAAAAAAAAAAAAA.orders~billing',
  partition: 3,
  offset: 1234567890123,
  timestamp: 1_763_000_000_123,
  attempt: 2,
  leaseExpiresAt: 1_763_000_030_123,
  key: Buffer.from('order-ü'),
  value: Buffer.from([0, 255, 128, 1]),
  headers: [
    { key: 'trace-id', value: Buffer.from('abc') },
    { key: 'ünï', value: null },
    { key: 'empty', value: Buffer.alloc(0) },
  ],
  ...over,
});

describe('binary message batch', () => {
  it('round-trips every field, including nulls, empty values and non-ASCII names', () => {
    const messages = [message(), message({ key: null, value: null, headers: [], offset: 0, attempt: 1 }), message({ value: Buffer.alloc(70_000, 7) })];
    const decoded = decodeMessageBatch(encodeMessageBatch('orders-é', messages));
    expect(decoded.topic).toBe('orders-é');
    expect(decoded.messages).toEqual(messages);
  });

  it('encodes an empty batch', () => {
    expect(decodeMessageBatch(encodeMessageBatch('t', []))).toEqual({ topic: 't', messages: [] });
  });

  it('refuses a body that is not a batch, truncated, or longer than its count says', () => {
    const bytes = encodeMessageBatch('t', [message()]);
    expect(() => decodeMessageBatch(Buffer.from('{"messages":[]}'))).toThrow(/bad magic/);
    expect(() => decodeMessageBatch(bytes.subarray(0, bytes.length - 1))).toThrow(/truncated at byte/);
    expect(() => decodeMessageBatch(Buffer.concat([bytes, Buffer.from([0])]))).toThrow(/1 bytes after its 1 messages/);
    const negative = Buffer.from(bytes);
    // The key length field of the first message: magic, topic, count, receipt, then 32 fixed bytes.
    negative.writeInt32BE(-5, 4 + 2 + 1 + 4 + 2 + message().receipt.length + 32);
    expect(() => decodeMessageBatch(negative)).toThrow(/truncated/);
  });

  it('round-trips a publish batch with every option, and refuses damaged ones', () => {
    const messages: PublishBatchMessage[] = [
      { key: Buffer.from('k-ü'), value: Buffer.from([0, 255]), headers: { trace: Buffer.from('abc'), 'ünï': Buffer.alloc(0) }, partition: 2, delayMs: 1500, ttlMs: 60_000, idempotencyKey: 'id-é-1' },
      { key: null, value: null, headers: {} },
      { key: null, value: Buffer.alloc(50_000, 1), headers: {}, deliverAt: 1_800_000_000_000 },
    ];
    const bytes = encodePublishBatch(messages);
    expect(decodePublishBatch(bytes)).toEqual(messages);
    expect(() => decodePublishBatch(encodeMessageBatch('t', []))).toThrow(/bad magic/);
    expect(() => decodePublishBatch(bytes.subarray(0, bytes.length - 3))).toThrow(/truncated/);
    expect(() => decodePublishBatch(Buffer.concat([bytes, Buffer.alloc(2)]))).toThrow(/2 bytes after its 3 messages/);
    const unknownOption = encodePublishBatch([{ key: null, value: null, headers: {} }]);
    unknownOption.writeUInt8(64, unknownOption.length - 1);
    expect(() => decodePublishBatch(unknownOption)).toThrow(/unknown option bits 64/);
  });
});
