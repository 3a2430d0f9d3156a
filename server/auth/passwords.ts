/** Password hashing (argon2id, @node-rs/argon2 defaults: 19 MiB, 2 passes) and policy. */
import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../../broker/errors.js';

// Algorithm.Argon2id; the enum is `const` in the typings, which isolatedModules cannot inline.
const ARGON2ID = 2;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a damaged hash never matches
  }
}

let dummy: Promise<string> | undefined;
/**
 * Verifies against a throwaway hash, so a login for an unknown user costs what a wrong password
 * costs and the response time does not tell which names exist.
 */
export async function burnVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummy, password);
}

/** Refuses passwords that are too short or absurdly long (argon2 cost is per byte). */
export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new SluiceError('WEAK_PASSWORD', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new SluiceError('WEAK_PASSWORD', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** 24 base64url characters = 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
