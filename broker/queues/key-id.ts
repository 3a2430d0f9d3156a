import { createHash } from 'node:crypto';

/** Fixed-size id of a key for the ordering hold (keys can be large). */
export function keyId(key: Buffer | null): string | null {
  return key === null ? null : createHash('sha256').update(key).digest('base64url').slice(0, 22);
}
