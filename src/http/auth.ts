import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AuthenticatedSession,
  authenticateApiKey,
  authenticateSession,
  findOrganizationBySlug,
} from '../access/accounts.ts';
import { can, type Permission } from '../access/permissions.ts';
import { type Scope, scopeFor } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { Problem } from '../shared/problem.ts';

export const SESSION_COOKIE = 'regua_session';
export const CSRF_COOKIE = 'regua_csrf';

/**
 * The CSRF token of a session: derived from the session token, so nothing extra is stored and a site
 * that cannot read the (HttpOnly) session cookie cannot compute it. The web sends it back in the
 * X-CSRF-Token header on every write.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

declare module 'fastify' {
  interface FastifyRequest {
    scope: Scope | null;
    session: AuthenticatedSession | null;
  }
  interface FastifyContextConfig {
    /** What the route requires; every authenticated route declares one (see src/access/permissions.ts). */
    permission?: Permission;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves who is calling: an API key (`Authorization: Bearer rg_...`), the local CLI token of this
 * server (with `X-Regua-Org`), or the web session cookie. Cookie-authenticated writes must come from
 * this site's own pages (Origin check) so another site cannot ride the session.
 */
export function authenticator(db: Database, localToken: string | null) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      const token = authorization.slice(7).trim();
      if (localToken && sameToken(token, localToken)) {
        const slug = request.headers['x-regua-org'];
        const org = typeof slug === 'string' ? await findOrganizationBySlug(db, slug) : null;
        if (!org)
          throw new Problem(
            400,
            'Unknown organization',
            'the X-Regua-Org header must name an existing organization',
          );
        request.scope = scopeFor({
          orgId: org.id,
          role: 'admin',
          creditorIds: [],
          userId: null,
          timeZone: org.timeZone,
          actor: 'cli',
        });
        return;
      }
      const scope = await authenticateApiKey(db, token);
      if (!scope) throw new Problem(401, 'Unauthorized', 'the API key is unknown or was revoked');
      request.scope = scope;
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    const session = cookie ? await authenticateSession(db, cookie) : null;
    if (!session)
      throw new Problem(401, 'Unauthorized', 'log in, or send an API key as "Authorization: Bearer <key>"');
    if (UNSAFE.has(request.method) && cookie) {
      const origin = request.headers.origin;
      if (origin !== undefined && new URL(origin).host !== request.headers.host) {
        throw new Problem(403, 'Forbidden', 'cross-site requests cannot use the session cookie');
      }
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, csrfTokenFor(cookie))) {
        throw new Problem(
          403,
          'Forbidden',
          'a write with the session cookie needs the X-CSRF-Token header (reload the page)',
        );
      }
    }
    request.session = session;
    request.scope = session.scope;
  };
}

/**
 * Enforces the permission matrix for every authenticated route, in one place. A route that declares no
 * permission is refused (fails closed), so a new route cannot be left open by mistake.
 */
export async function authorize(request: FastifyRequest): Promise<void> {
  const permission = request.routeOptions.config.permission;
  if (!permission) {
    request.log.error({ url: request.routeOptions.url }, 'route declares no permission');
    throw new Problem(500, 'Internal server error', 'this route declares no permission and is refused');
  }
  const scope = requireScope(request);
  if (!can(scope.role, permission)) {
    throw new Problem(403, 'Forbidden', `the ${scope.role} role does not have the ${permission} permission`);
  }
}

export function requireScope(request: FastifyRequest): Scope {
  if (!request.scope) throw new Problem(401, 'Unauthorized', 'authentication required');
  return request.scope;
}
