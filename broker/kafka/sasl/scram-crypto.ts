/**
 * SCRAM key derivation (RFC 5802 §3) on node:crypto primitives only:
 *
 *     SaltedPassword = Hi(password, salt, i)        (PBKDF2-HMAC)
 *     ClientKey      = HMAC(SaltedPassword, "Client Key")
 *     StoredKey      = H(ClientKey)
 *     ServerKey      = HMAC(SaltedPassword, "Server Key")
 *
 * The broker keeps StoredKey and ServerKey (a "verifier"), never the password or SaltedPassword:
 * a stolen credential file lets nobody log in, since the proof needs ClientKey.
 */
import { createHash, createHmac, pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { scramDigest, type ScramAlgorithm } from './mechanisms.js';

const pbkdf2Async = promisify(pbkdf2);

/** Kafka's minimum (and kafkajs refuses fewer): ScramMechanism.minIterations = 4096. */
export const MIN_SCRAM_ITERATIONS = 4096;
export const MAX_SCRAM_ITERATIONS = 1_000_000;
export const DEFAULT_SCRAM_ITERATIONS = 4096;

export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Hi() of RFC 5802: PBKDF2 with the mechanism's HMAC, one hash-length block. Async (libuv pool),
 * so thousands of iterations do not stall the event loop. */
export function saltedPassword(mechanism: ScramAlgorithm, password: string, salt: Buffer, iterations: number): Promise<Buffer> {
  const { algorithm, bytes } = scramDigest(mechanism);
  // RFC 5802 asks for SASLprep; Kafka (and every client here) uses the UTF-8 bytes as they are.
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, bytes, algorithm);
}

export function hmac(mechanism: ScramAlgorithm, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(scramDigest(mechanism).algorithm, key).update(data).digest();
}

export function hash(mechanism: ScramAlgorithm, data: Buffer): Buffer {
  return createHash(scramDigest(mechanism).algorithm).update(data).digest();
}

export function keysFromSaltedPassword(mechanism: ScramAlgorithm, salted: Buffer): { clientKey: Buffer; storedKey: Buffer; serverKey: Buffer } {
  const clientKey = hmac(mechanism, salted, 'Client Key');
  return { clientKey, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, 'Server Key') };
}

export async function makeVerifier(mechanism: ScramAlgorithm, password: string, salt: Buffer, iterations: number): Promise<ScramVerifier> {
  const { storedKey, serverKey } = keysFromSaltedPassword(mechanism, await saltedPassword(mechanism, password, salt, iterations));
  return { salt, iterations, storedKey, serverKey };
}

/** Whether `password` derives the verifier's StoredKey; compares in constant time. */
export async function passwordMatches(mechanism: ScramAlgorithm, verifier: ScramVerifier, password: string): Promise<boolean> {
  const { storedKey } = keysFromSaltedPassword(mechanism, await saltedPassword(mechanism, password, verifier.salt, verifier.iterations));
  return constantTimeEqual(storedKey, verifier.storedKey);
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** timingSafeEqual that answers false (instead of throwing) for different lengths. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
