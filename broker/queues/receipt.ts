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

// Tokens are cut from a pool of random bytes, each byte used once: one randomBytes call per receive
// was 1.5 % of the server's CPU samples in a consume (a native job per call, and under next start
// a wrapper that checks its async context).
const TOKEN_BYTES = 12;
const POOL_BYTES = TOKEN_BYTES * 512;
let pool = Buffer.alloc(0);
let poolAt = 0;

export function newLeaseToken(): string {
  if (poolAt + TOKEN_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const token = pool.toString('base64url', poolAt, poolAt + TOKEN_BYTES);
  poolAt += TOKEN_BYTES;
  return token;
}

/**
 * Current form, plain text: `q2.<partition>.<offset>.<token>.<topic>~<subscription>`. Topic and
 * subscription names are [A-Za-z0-9._-] only, so `~` separates them, and no step of encoding or
 * decoding allocates a buffer: every acked message decodes one receipt, so this is hot-path code.
 */
const V2 = 'q2.';
const NAME = /^[A-Za-z0-9._-]{1,249}$/;
const TOKEN = /^[A-Za-z0-9_-]{16}$/;

export function encodeReceipt(r: Receipt): string {
  return `${V2}${r.partition}.${r.offset}.${r.token}.${r.topic}~${r.subscription}`;
}

export function decodeReceipt(receipt: unknown): Receipt {
  if (typeof receipt !== 'string' || receipt.length === 0 || receipt.length > 1024) {
    throw new SluiceError('INVALID_RECEIPT', 'receipt is not a receipt string issued by receive', { receipt: preview(receipt) });
  }
  const r = receipt.startsWith(V2) ? decodeV2(receipt) : decodeV1(receipt);
  if (!r) throw new SluiceError('INVALID_RECEIPT', 'receipt is malformed (not issued by this broker)', { receipt: preview(receipt) });
  return r;
}

// The `<topic>~<subscription>` tail last seen valid: a batch of acks repeats it in every receipt,
// so it is checked once per batch rather than once per receipt. (Starts as a string no valid
// tail ends with, so an empty tail is never taken for it.)
let lastTail = '\u0000';
let lastNames: { topic: string; subscription: string } = { topic: '', subscription: '' };

function decodeV2(s: string): Receipt | undefined {
  const a = s.indexOf('.', V2.length);
  const b = a < 0 ? -1 : s.indexOf('.', a + 1);
  const partition = digits(s, V2.length, a);
  const offset = digits(s, a + 1, b);
  if (b < 0 || partition < 0 || offset < 0 || s.charCodeAt(b + 17) !== 46 /* . */ || !isTokenAt(s, b + 1)) return undefined;
  const token = s.slice(b + 1, b + 17);
  // Compared in place: slicing the tail of every receipt of a batch only to find it unchanged
  // was a visible share of an ack's cost.
  if (s.length - (b + 18) !== lastTail.length || !s.endsWith(lastTail)) {
    const tail = s.slice(b + 18);
    const tilde = tail.indexOf('~');
    const topic = tail.slice(0, tilde);
    const subscription = tail.slice(tilde + 1);
    if (tilde < 0 || !NAME.test(topic) || !NAME.test(subscription)) return undefined;
    lastTail = tail;
    lastNames = { topic, subscription };
  }
  return { topic: lastNames.topic, subscription: lastNames.subscription, partition, offset, token };
}

/** The first form (base64url of newline-separated fields), still accepted: a lease survives a
 * restart, so a consumer may hold receipts issued before an upgrade. */
function decodeV1(receipt: string): Receipt | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(receipt)) return undefined;
  const parts = Buffer.from(receipt, 'base64url').toString('utf8').split('\n');
  const [version, topic, subscription, partition, offset, token] = parts;
  const p = digits(partition ?? '', 0, partition?.length ?? 0);
  const o = digits(offset ?? '', 0, offset?.length ?? 0);
  if (parts.length !== 6 || version !== 'r1' || !topic || !subscription || p < 0 || o < 0 || !TOKEN.test(token ?? '')) return undefined;
  return { topic, subscription, partition: p, offset: o, token: token! };
}

/** Whether s[at, at + 16) is a lease token (16 base64url characters); by hand rather than with
 * TOKEN, which cost more than the rest of decoding a receipt. */
function isTokenAt(s: string, at: number): boolean {
  if (s.length < at + 16) return false;
  for (let i = at; i < at + 16; i++) {
    const c = s.charCodeAt(i);
    // 0-9, A-Z, a-z, '-', '_'
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95)) return false;
  }
  return true;
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
