/**
 * First start: with no user at all, create `admin`. Its password comes from
 * SLUICE_ADMIN_PASSWORD, or is generated and printed once (it is not stored anywhere readable),
 * in which case the admin must change it at first login.
 */
import { isSluiceError, SluiceError } from '../../broker/errors.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/client.js';
import { generatePassword } from './passwords.js';
import { createUser } from './users.js';

export const FIRST_ADMIN_USERNAME = 'admin';

export interface FirstAdminResult {
  created: boolean;
  /** Where the password came from, when created. */
  source?: 'env' | 'generated';
}

export async function ensureFirstAdmin(
  db: Db,
  env: Readonly<Record<string, string | undefined>> = process.env,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<FirstAdminResult> {
  if ((await db.user.count()) > 0) return { created: false };
  const fromEnv = env.SLUICE_ADMIN_PASSWORD;
  const password = fromEnv && fromEnv.length > 0 ? fromEnv : generatePassword();
  try {
    await createUser(db, { username: FIRST_ADMIN_USERNAME, password, role: 'admin', mustChangePassword: !fromEnv });
  } catch (err) {
    // Two processes starting on one database: the other one created it.
    if (isUniqueViolation(err) || isSluiceError(err, 'USER_EXISTS')) return { created: false };
    if (isSluiceError(err, 'WEAK_PASSWORD')) throw new SluiceError('INVALID_CONFIG', `SLUICE_ADMIN_PASSWORD: ${err.message}`);
    throw err;
  }
  if (fromEnv) return { created: true, source: 'env' };
  const line = '='.repeat(72);
  print(
    `\n${line}\n  Sluice created the first account.\n\n    user:     ${FIRST_ADMIN_USERNAME}\n    password: ${password}\n\n` +
      `  This password is shown once and must be changed at first login.\n  Set SLUICE_ADMIN_PASSWORD before the first start to choose it instead.\n${line}\n\n`,
  );
  return { created: true, source: 'generated' };
}
