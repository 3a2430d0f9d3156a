/**
 * PLAIN (RFC 4616): one message `[authzid] NUL authcid NUL passwd`, checked against the user's
 * stored SCRAM-SHA-512 verifier (PBKDF2 of the password with the stored salt, then StoredKey
 * compared in constant time), so PLAIN needs no password on disk either.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCRAM_ITERATIONS, makeVerifier, passwordMatches, type ScramVerifier } from './scram-crypto.js';
import type { SaslStep } from './step.js';

export interface PlainCredentials {
  authzid: string;
  username: string;
  password: string;
}

/** Splits a PLAIN message; null when it is not exactly three NUL-separated fields. */
export function parsePlain(token: Buffer): PlainCredentials | null {
  const parts = token.toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  const [authzid, username, password] = parts as [string, string, string];
  return { authzid, username, password };
}

/** Spent on unknown users, so a miss costs the same PBKDF2 as a wrong password. */
let decoy: Promise<ScramVerifier> | null = null;
function decoyVerifier(): Promise<ScramVerifier> {
  decoy ??= makeVerifier('SCRAM-SHA-512', randomBytes(16).toString('base64'), randomBytes(16), DEFAULT_SCRAM_ITERATIONS);
  return decoy;
}

/** Checks one PLAIN message. `lookup` returns the SCRAM-SHA-512 verifier of a user. */
export async function authenticatePlain(token: Buffer, lookup: (username: string) => ScramVerifier | undefined): Promise<SaslStep> {
  const creds = parsePlain(token);
  const fail = (reason: string): SaslStep => ({ kind: 'failure', token: Buffer.alloc(0), reason: `PLAIN: ${reason}` });
  if (!creds) return fail('the message must be [authzid] NUL username NUL password');
  if (creds.username === '') return fail('the user name is empty');
  if (creds.password === '') return fail('the password is empty');
  // Kafka's PlainSaslServer: an authorization id other than the user name is refused.
  if (creds.authzid !== '' && creds.authzid !== creds.username) return fail('the authorization id must be empty or equal the user name');
  const verifier = lookup(creds.username);
  const ok = await passwordMatches('SCRAM-SHA-512', verifier ?? (await decoyVerifier()), creds.password);
  if (!ok || !verifier) return fail('invalid user name or password');
  return { kind: 'success', token: Buffer.alloc(0), username: creds.username };
}
