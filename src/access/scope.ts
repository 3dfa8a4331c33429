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
};

export function scopeFor(args: {
  orgId: number;
  role: Role;
  creditorIds: number[];
  userId: number | null;
  timeZone: string;
}): Scope {
  return {
    orgId: args.orgId,
    role: args.role,
    creditorIds: args.role === 'client_viewer' ? args.creditorIds : null,
    userId: args.userId,
    timeZone: args.timeZone,
  };
}

export function canSeeCreditor(scope: Scope, creditorId: number): boolean {
  return scope.creditorIds === null || scope.creditorIds.includes(creditorId);
}
