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

/** Edit, save and activate réguas (permission cadences:write). */
export function canWriteCadences(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Run the day's planner by hand (permission plan:run). */
export function canRunPlan(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Register and end promises, disputes, agreements and pauses (permission holds:write). */
export function canWriteHolds(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager' || session.role === 'collector';
}

/** Choose which provider carries each channel and store its credentials (permission providers:manage). */
export function canManageProviders(session: Session): boolean {
  return session.role === 'admin';
}

/** Work the collectors' call list: take calls and record how they went (permission tasks:work). */
export function canWorkTasks(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager' || session.role === 'collector';
}

/** Give back a call someone else took (the server lets anyone release; the UI offers it to managers). */
export function canReassignTasks(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Print the day's letters and download the mailing manifest (permission letters:print). */
export function canPrintLetters(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Answer LGPD requests: export a subject's data and anonymize it (permission lgpd:manage). */
export function canManageLgpd(session: Session): boolean {
  return session.role === 'admin';
}

/** See the payments taken in (the "Pagamentos" page): the office staff, not clients or auditors. */
export function canSeePayments(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager' || session.role === 'collector';
}

/** Import bank return files and statements (permission payments:import). */
export function canImportPayments(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Confirm or reject a payment waiting in the unmatched queue (permission payments:reconcile). */
export function canReconcilePayments(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Change a creditor's collection terms: multa, juros, correção and Pix key (managers and admins). */
export function canWriteTerms(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Accept an offer, making an agreement (permission agreements:write). */
export function canWriteAgreements(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager' || session.role === 'collector';
}

/** Cancel an active agreement (permission agreements:cancel). */
export function canCancelAgreements(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Set a creditor's fee terms and issue its monthly fee statements (permission billing:manage). */
export function canManageBilling(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}

/** Set a creditor's SLA targets and the alert rules, acknowledge alerts (permission monitoring:manage). */
export function canManageMonitoring(session: Session): boolean {
  return session.role === 'admin' || session.role === 'manager';
}
