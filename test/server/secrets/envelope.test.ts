import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { decrypt, decryptJson, encrypt, encryptJson } from '../../../server/secrets/envelope.js';
import { SecretKey } from '../../../server/secrets/key.js';

const key = new SecretKey(randomBytes(32));

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isSluiceError(err, 'SECRET_UNREADABLE')) return String(err.details['reason']);
    throw err;
  }
  throw new Error('expected SECRET_UNREADABLE, but it decrypted');
}

/** The envelope with one bit flipped at byte `index` of field `field` (2 = IV, 3 = data). */
function flip(envelope: string, field: 2 | 3, index: number): string {
  const parts = envelope.split(':');
  const bytes = Buffer.from(parts[field]!, 'base64url');
  bytes[index] = bytes[index]! ^ 0x01;
  parts[field] = bytes.toString('base64url');
  return parts.join(':');
}

describe('secret envelopes (AES-256-GCM)', () => {
  it('round-trips JSON values in a v1:<keyId>:<iv>:<data> string, with a fresh IV every time', () => {
    const value = { sasl: { mechanism: 'scram-sha-256', username: 'svc', password: 'hunter2' }, list: [1, 'two', null] };
    const a = encryptJson(value, key);
    const b = encryptJson(value, key);
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(a.split(':')[1]).toBe(key.id);
    expect(a.split(':')[2]).not.toBe(b.split(':')[2]);
    expect(a).not.toContain('hunter2');
    expect(decryptJson(a, key)).toEqual(value);
    expect(decryptJson(b, key)).toEqual(value);
  });

  it('round-trips arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string(), (data, context) => {
        const plain = Buffer.from(data);
        expect(decrypt(encrypt(plain, key, context), key, context).equals(plain)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('detects a flipped bit in the IV, the ciphertext and the tag', () => {
    const envelope = encryptJson({ password: 'p@ss' }, key);
    const dataLength = Buffer.from(envelope.split(':')[3]!, 'base64url').length;
    for (let i = 0; i < 12; i++) expect(reasonOf(() => decrypt(flip(envelope, 2, i), key)), `IV byte ${i}`).toBe('tampered');
    for (let i = 0; i < dataLength - 16; i++) expect(reasonOf(() => decrypt(flip(envelope, 3, i), key)), `ciphertext byte ${i}`).toBe('tampered');
    for (let i = dataLength - 16; i < dataLength; i++) expect(reasonOf(() => decrypt(flip(envelope, 3, i), key)), `tag byte ${i}`).toBe('tampered');
  });

  it('refuses another key: by id, and by authentication when the id is forged', () => {
    const other = new SecretKey(randomBytes(32));
    const envelope = encryptJson({ token: 't' }, key);
    expect(reasonOf(() => decrypt(envelope, other))).toBe('other-key');
    const forged = envelope.replace(`:${key.id}:`, `:${other.id}:`);
    expect(reasonOf(() => decrypt(forged, other))).toBe('tampered');
    expect(reasonOf(() => decrypt(forged, key))).toBe('other-key');
  });

  it('binds the value to its context', () => {
    const envelope = encryptJson({ password: 'x' }, key, 'cluster:a');
    expect(decryptJson(envelope, key, 'cluster:a')).toEqual({ password: 'x' });
    expect(reasonOf(() => decrypt(envelope, key, 'cluster:b'))).toBe('tampered');
    expect(reasonOf(() => decrypt(envelope, key))).toBe('tampered');
  });

  it('names malformed envelopes precisely', () => {
    const [, id, iv, data] = encryptJson(1, key).split(':');
    expect(reasonOf(() => decrypt('', key))).toBe('malformed');
    expect(reasonOf(() => decrypt(`v1:${id}:${iv}`, key))).toBe('malformed');
    expect(reasonOf(() => decrypt(`v2:${id}:${iv}:${data}`, key))).toBe('unknown-version');
    expect(reasonOf(() => decrypt(`v1:${id}:${iv}:${data}!`, key))).toBe('malformed');
    expect(reasonOf(() => decrypt(`v1:${id}:${iv!.slice(0, 8)}:${data}`, key))).toBe('malformed');
    expect(reasonOf(() => decrypt(`v1:${id}:${iv}:AAAA`, key))).toBe('malformed');
    expect(() => encryptJson(undefined, key)).toThrow(/not JSON-serializable/);
  });

  it('never shows the key bytes when the key is logged or serialized', () => {
    const hex = key.bytes.toString('hex');
    expect(JSON.stringify({ key })).toBe(`{"key":{"id":"${key.id}"}}`);
    expect(String(JSON.stringify(key))).not.toContain(hex);
    expect(Object.keys(key)).toEqual(['id']);
    expect(inspect(key, { showHidden: true, depth: 5 })).not.toContain(key.bytes.toString('hex').slice(0, 8));
    expect(inspect(key, { depth: 5 })).not.toMatch(/<Buffer/);
  });
});
