import type { Role } from './schema.ts';

/**
 * Who is asking, inside which organization. Every data function takes one; `creditorIds` is null
 * when the actor sees every creditor of the organization, else the only creditors it may see.
 */
export type Scope = {
  orgId: number;
  role: Role;
  creditorIds: number[] | null;
  userId: number | null;
  timeZone: string;
  /** Who acts, as written in the audit trail: `user:12`, `api_key:3`, `cli` or `system`. */
  actor: string;
};

export function scopeFor(args: {
  orgId: number;
  role: Role;
  creditorIds: number[];
  userId: number | null;
  timeZone: string;
  actor?: string;
}): Scope {
  return {
    orgId: args.orgId,
    role: args.role,
    creditorIds: args.role === 'client_viewer' ? args.creditorIds : null,
    userId: args.userId,
    timeZone: args.timeZone,
    actor: args.actor ?? (args.userId === null ? 'system' : `user:${args.userId}`),
  };
}

export function canSeeCreditor(scope: Scope, creditorId: number): boolean {
  return scope.creditorIds === null || scope.creditorIds.includes(creditorId);
}
