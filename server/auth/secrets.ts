/** Random secrets and their digests: what cookies and tokens carry, and what the database keeps. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: unguessable, cookie- and header-safe. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a secret: a leaked database row does not open a session. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares without leaking, through timing, how long a matching prefix was. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Digests have a fixed length, so inputs of different lengths compare in the same time too.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
