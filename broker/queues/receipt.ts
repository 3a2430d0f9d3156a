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

const RECEIPT_CHARS = /^[A-Za-z0-9_-]+$/;
const TOKEN = /^[A-Za-z0-9_-]{16}$/;

// Parsed by hand (indexOf, digit loop) rather than split + regexes: every ack decodes one receipt
// per message, and this was the largest single cost of a batch ack.
export function decodeReceipt(receipt: unknown): Receipt {
  if (typeof receipt !== 'string' || receipt.length === 0 || receipt.length > 1024 || !RECEIPT_CHARS.test(receipt)) {
    throw new SluiceError('INVALID_RECEIPT', 'receipt is not a receipt string issued by receive', { receipt: preview(receipt) });
  }
  const text = Buffer.from(receipt, 'base64url').toString('utf8');
  const a = text.indexOf('\n');
  const b = text.indexOf('\n', a + 1);
  const c = b < 0 ? -1 : text.indexOf('\n', b + 1);
  const d = c < 0 ? -1 : text.indexOf('\n', c + 1);
  const e = d < 0 ? -1 : text.indexOf('\n', d + 1);
  const partition = digits(text, c + 1, d);
  const offset = digits(text, d + 1, e);
  const token = e < 0 ? '' : text.slice(e + 1);
  if (e < 0 || text.slice(0, a) !== VERSION || b === a + 1 || c === b + 1 || partition < 0 || offset < 0 || !TOKEN.test(token)) {
    throw new SluiceError('INVALID_RECEIPT', 'receipt is malformed (not issued by this broker)', { receipt: preview(receipt) });
  }
  return { topic: text.slice(a + 1, b), subscription: text.slice(b + 1, c), partition, offset, token };
}

/** The decimal number in s[from, to), or -1 unless it is 1-16 digits. */
function digits(s: string, from: number, to: number): number {
  if (to <= from || to - from > 16) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return Number.isSafeInteger(n) ? n : -1;
}

function preview(v: unknown): string {
  return typeof v === 'string' ? v.slice(0, 80) : typeof v;
}
