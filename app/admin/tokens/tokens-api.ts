/** The API tokens endpoints as the tokens page calls them from the browser. */
import type { Role } from '../../../server/auth/roles.js';
import type { TokenView } from '../../../server/auth/tokens.js';
import { api } from '../../../lib/api-client.js';
import { fetchAllPages } from '../api';

export type { TokenView };

/** `scope: 'all'` is honoured for admins only; the server lists anyone else's own tokens. */
export function fetchTokens(scope: 'mine' | 'all'): Promise<TokenView[]> {
  return fetchAllPages<TokenView>(scope === 'all' ? '/api/v1/tokens?all=1' : '/api/v1/tokens');
}

export interface NewTokenInput {
  name: string;
  role: Role;
  expiresAt?: string;
}

export type CreatedToken = TokenView & { token: string };

export function createToken(input: NewTokenInput, csrfToken: string): Promise<CreatedToken> {
  return api('/api/v1/tokens', { method: 'POST', body: input, csrfToken });
}

export function revokeToken(id: string, csrfToken: string): Promise<TokenView> {
  return api(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE', csrfToken });
}
