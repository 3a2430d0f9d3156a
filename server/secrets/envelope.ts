/**
 * Encrypted values as one string: `v1:<keyId>:<iv>:<ciphertext+tag>`, the last two base64url.
 *
 * AES-256-GCM with a random 96-bit IV per encryption (node:crypto) and a 128-bit tag. The version,
 * the key id and an optional context string (e.g. `cluster:<id>`) are authenticated as additional
 * data, so neither the header nor the row a value belongs to can be swapped without detection.
 * NIST caps random 96-bit IVs at 2^32 encryptions per key; credentials entered by operators
 * never come near that.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SluiceError } from '../../broker/errors.js';
import type { SecretKey } from './key.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

export type UnreadableReason = 'malformed' | 'unknown-version' | 'other-key' | 'tampered';

function unreadable(reason: UnreadableReason, message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('SECRET_UNREADABLE', message, { reason, ...details });
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${VERSION}:${keyId}:${context}`, 'utf8');
}

export function encrypt(plaintext: Buffer, key: SecretKey, context = ''): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(key.id, context));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}:${key.id}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
}

/** Throws SluiceError SECRET_UNREADABLE (details.reason says why) unless `envelope` was made by
 * `encrypt` with this key and context and is unchanged. */
export function decrypt(envelope: string, key: SecretKey, context = ''): Buffer {
  const parts = envelope.split(':');
  if (parts.length !== 4) throw unreadable('malformed', `encrypted value has ${parts.length} ':'-separated fields, expected 4 (v1:<keyId>:<iv>:<data>)`);
  const [version, keyId, ivText, sealedText] = parts as [string, string, string, string];
  if (version !== VERSION) throw unreadable('unknown-version', `encrypted value has format "${version.slice(0, 8)}", this version reads only "${VERSION}"`);
  if (keyId !== key.id) {
    throw unreadable('other-key', `value was encrypted under key ${keyId.slice(0, 16)}, but the current secret key is ${key.id}: restore the key it was written with or enter the secret again`, {
      keyId: keyId.slice(0, 16),
      currentKeyId: key.id,
    });
  }
  if (!B64URL.test(ivText) || !B64URL.test(sealedText)) throw unreadable('malformed', 'encrypted value has characters outside base64url');
  const iv = Buffer.from(ivText, 'base64url');
  const sealed = Buffer.from(sealedText, 'base64url');
  if (iv.length !== IV_BYTES) throw unreadable('malformed', `encrypted value has a ${iv.length}-byte IV, expected ${IV_BYTES}`);
  if (sealed.length < TAG_BYTES) throw unreadable('malformed', `encrypted value is ${sealed.length} bytes, shorter than its ${TAG_BYTES}-byte tag`);
  const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(keyId, context));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw unreadable('tampered', 'encrypted value failed authentication: it was altered, or belongs to another record');
  }
}

/** `value` as JSON, encrypted. Only JSON-serializable values (not undefined, functions, symbols). */
export function encryptJson(value: unknown, key: SecretKey, context = ''): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`encryptJson: a ${typeof value} is not JSON-serializable`);
  return encrypt(Buffer.from(json, 'utf8'), key, context);
}

export function decryptJson<T = unknown>(envelope: string, key: SecretKey, context = ''): T {
  const text = decrypt(envelope, key, context).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    // Authenticated, so written by us: only a bug could get here.
    throw unreadable('malformed', 'decrypted value is not JSON');
  }
}
