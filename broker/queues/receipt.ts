/**
 * Receipts name one lease of one message: topic, subscription, partition, offset and the random
 * token of the receive call that leased it. The token is 96 random bits kept in the durable
 * lease, so a receipt cannot be guessed, and a receipt from an earlier lease of the same message
 * no longer matches once the message is leased again.
 */
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../errors.js';

export interface Receipt {
  topic: string;
  subscription: string;
  partition: number;
  offset: number;
  token: string;
}

const VERSION = 'r1';

export function newLeaseToken(): string {
  return randomBytes(12).toString('base64url');
}

export function encodeReceipt(r: Receipt): string {
  return Buffer.from(`${VERSION}\n${r.topic}\n${r.subscription}\n${r.partition}\n${r.offset}\n${r.token}`, 'utf8').toString('base64url');
}

export function decodeReceipt(receipt: unknown): Receipt {
  if (typeof receipt !== 'string' || receipt.length === 0 || receipt.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(receipt)) {
    throw new SluiceError('INVALID_RECEIPT', 'receipt is not a receipt string issued by receive', { receipt: preview(receipt) });
  }
  const parts = Buffer.from(receipt, 'base64url').toString('utf8').split('\n');
  const [version, topic, subscription, partition, offset, token] = parts;
  if (parts.length !== 6 || version !== VERSION || !topic || !subscription || !/^\d+$/.test(partition ?? '') || !/^\d+$/.test(offset ?? '') || !/^[A-Za-z0-9_-]{16}$/.test(token ?? '')) {
    throw new SluiceError('INVALID_RECEIPT', 'receipt is malformed (not issued by this broker)', { receipt: preview(receipt) });
  }
  return { topic, subscription, partition: Number(partition), offset: Number(offset), token: token! };
}

function preview(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 80) : typeof v;
}
