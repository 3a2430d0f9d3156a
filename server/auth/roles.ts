/**
 * Console roles, ordered: each one may do everything the ones below it may.
 *   viewer    reads everything except users, tokens of others and the audit log
 *   operator  + changes topics, groups, messages, jobs
 *   admin     + manages users, all tokens, reads the audit log
 */
import { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** True when `role` grants at least what `required` grants. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** A role read back from the database; a row with anything else is refused rather than guessed. */
export function parseRole(value: string): Role {
  const parsed = roleSchema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid role ${JSON.stringify(value)} in the metadata store`);
  return parsed.data;
}
