import type { Role } from './schema.ts';

/** What a request may do. Every authenticated route declares exactly one (route `config.permission`). */
export const PERMISSIONS = [
  'session',
  'portfolio:read',
  'portfolio:write',
  'imports:read',
  'imports:write',
  'api_keys:manage',
  'audit:read',
  'lgpd:manage',
  'consent:write',
  'cadences:write',
  'holds:write',
  'plan:run',
  'providers:manage',
  'tasks:work',
  'letters:print',
  'payments:import',
  'agreements:write',
  'agreements:cancel',
  'payments:reconcile',
  'billing:manage',
  'monitoring:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The permission matrix (docs/SECURITY.md shows it; a test keeps the two equal). A client viewer's
 * reads are further limited to its creditors by the Scope and by the data functions.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: [
    'session',
    'portfolio:read',
    'portfolio:write',
    'imports:read',
    'imports:write',
    'consent:write',
    'cadences:write',
    'holds:write',
    'plan:run',
    'tasks:work',
    'letters:print',
    'payments:import',
    'agreements:write',
    'agreements:cancel',
    'payments:reconcile',
    'billing:manage',
    'monitoring:manage',
  ],
  collector: [
    'session',
    'portfolio:read',
    'imports:read',
    'consent:write',
    'holds:write',
    'tasks:work',
    'agreements:write',
  ],
  client_viewer: ['session', 'portfolio:read', 'imports:read'],
  auditor: ['session', 'portfolio:read', 'imports:read', 'audit:read'],
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
