/** The users API as the admin pages call it from the browser. */
import type { Role } from '../../../server/auth/roles.js';
import type { UserView } from '../../../server/auth/users.js';
import { api } from '../../../lib/api-client.js';
import { fetchAllPages } from '../api';

export type { Role, UserView };

/** Lowest to highest, as server/auth/roles.ts orders them (not imported: it would ship zod to the browser). */
export const ROLE_OPTIONS = ['viewer', 'operator', 'admin'] as const satisfies readonly Role[];

export function fetchUsers(): Promise<UserView[]> {
  return fetchAllPages<UserView>('/api/v1/users');
}

export interface NewUserInput {
  username: string;
  role: Role;
  password: string;
}

export function createUser(input: NewUserInput, csrfToken: string): Promise<UserView> {
  return api('/api/v1/users', { method: 'POST', body: { ...input, mustChangePassword: true }, csrfToken });
}

export type UserPatch = { role: Role } | { disabled: boolean } | { password: string };

export function patchUser(username: string, patch: UserPatch, csrfToken: string): Promise<UserView> {
  return api(`/api/v1/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: patch, csrfToken });
}

export function deleteUser(username: string, csrfToken: string): Promise<void> {
  return api(`/api/v1/users/${encodeURIComponent(username)}`, { method: 'DELETE', csrfToken });
}

/** Mirrors server/auth/users.ts and passwords.ts, so most mistakes are caught before a round trip. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const USERNAME_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64';
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `password must be at least ${MIN_PASSWORD} characters`;
  if (password.length > MAX_PASSWORD) return `password must be at most ${MAX_PASSWORD} characters`;
  return undefined;
}
