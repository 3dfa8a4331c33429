import { createContext, useContext } from 'react';
import type { Role, Session } from './api/types.ts';

export const SessionContext = createContext<Session | null>(null);

/** The logged-in session; only usable below <RequireSession>. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() fora de <RequireSession>');
  return session;
}

const READ_ONLY_ROLES: readonly Role[] = ['client_viewer', 'auditor'];

export function canImport(session: Session): boolean {
  return !READ_ONLY_ROLES.includes(session.role);
}
