'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { Role } from '../../server/auth/roles.js';

export interface ClientSession {
  username: string;
  role: Role;
  csrfToken: string;
}

const SessionContext = createContext<ClientSession | null>(null);

/** The signed-in user as client components need it: who, which role, and the CSRF token for writes. */
export function SessionProvider({ session, children }: { session: ClientSession | null; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): ClientSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

const ORDER: Role[] = ['viewer', 'operator', 'admin'];

/** Whether the user may see controls that need `required`; the server enforces it regardless. */
export function useCan(required: Role): boolean {
  const s = useContext(SessionContext);
  return !!s && ORDER.indexOf(s.role) >= ORDER.indexOf(required);
}
