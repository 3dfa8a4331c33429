import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { CSRF_COOKIE, csrfTokenFor, requireScope, SESSION_COOKIE } from '../http/auth.ts';
import { rateLimit } from '../http/ratelimit.ts';
import { Id, Problem as ProblemSchema, Role, Session } from '../http/schemas.ts';
import type { App, AppContext } from '../http/types.ts';
import { badRequest, notFound, Problem } from '../shared/problem.ts';
import {
  authenticateSessionById,
  confirmTotp,
  createApiKey,
  disableTotp,
  LoginThrottled,
  login,
  logout,
  revokeApiKey,
  startTotp,
  switchOrganization,
} from './accounts.ts';
import { confirmPasswordReset, MIN_PASSWORD_LENGTH, requestPasswordReset } from './passwordReset.ts';
import type { Role as RoleName } from './schema.ts';

/** Login is public; it lives outside the authenticated routes. */
export function publicAccessRoutes(app: App, { db, config }: AppContext) {
  app.register(async (scope) => {
    // At most 10 reset requests or confirmations a minute from one address.
    scope.addHook('onRequest', rateLimit({ limit: 10, windowMs: 60_000, name: 'password reset' }));
    scope.post(
      '/api/v1/password-reset',
      {
        schema: {
          tags: ['session'],
          summary:
            'Forgot my password: e-mails a one-hour reset link when the address has an account (same answer either way)',
          body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }),
          response: { 202: Type.Object({ status: Type.Literal('sent') }), 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        const { email } = request.body as { email: string };
        await requestPasswordReset(
          db,
          { smtpUrl: config.systemSmtpUrl, from: config.mailFrom, publicUrl: config.publicUrl },
          { email, ip: request.ip },
          (level, message) => request.log[level](message),
        );
        return reply.code(202).send({ status: 'sent' as const });
      },
    );
    scope.post(
      '/api/v1/password-reset/confirm',
      {
        schema: {
          tags: ['session'],
          summary: 'Sets a new password with the token of a reset link; every session of the user ends',
          body: Type.Object({
            token: Type.String({ minLength: 20, maxLength: 100 }),
            password: Type.String({
              minLength: 1,
              maxLength: 1024,
              description: `at least ${MIN_PASSWORD_LENGTH} characters`,
            }),
          }),
          response: { 204: Type.Null(), 400: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (request, reply) => {
        await confirmPasswordReset(db, request.body as { token: string; password: string });
        return reply.code(204).send();
      },
    );
  });

  app.post(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Log in with e-mail and password; sets the session cookie',
        body: Type.Object({
          email: Type.String({ maxLength: 254 }),
          password: Type.String({ maxLength: 1024 }),
          code: Type.Optional(
            Type.String({ maxLength: 10, description: 'TOTP code, when two-step verification is on' }),
          ),
        }),
        response: { 200: Session, 401: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      let result: Awaited<ReturnType<typeof login>>;
      try {
        result = await login(db, {
          ...request.body,
          address: request.ip,
          lifetimeDays: config.sessionDays,
          secretKey: config.secretKey,
        });
      } catch (error) {
        if (!(error instanceof LoginThrottled)) throw error;
        reply.header('retry-after', String(error.retryAfterSeconds));
        throw new Problem(429, 'Too many requests', error.message);
      }
      if (!result.ok) {
        if (result.reason === 'invalid') throw new Problem(401, 'Unauthorized', 'wrong e-mail or password');
        throw new Problem(
          401,
          'Unauthorized',
          result.reason === 'totp_required'
            ? 'enter the 6-digit code from your authenticator app'
            : 'the code is wrong or was already used',
          { totpRequired: true },
        );
      }
      const cookie = {
        path: '/',
        secure: config.publicUrl.startsWith('https:'),
        maxAge: config.sessionDays * 86_400,
      };
      reply.setCookie(SESSION_COOKIE, result.token, { ...cookie, httpOnly: true, sameSite: 'lax' });
      // Readable by Régua's own pages, which send it back as X-CSRF-Token.
      reply.setCookie(CSRF_COOKIE, csrfTokenFor(result.token), {
        ...cookie,
        httpOnly: false,
        sameSite: 'strict',
      });
      return result.session.view;
    },
  );
}

export function accessRoutes(app: App, { db, config }: AppContext) {
  const sessionOf = (request: FastifyRequest) => {
    if (!request.session)
      throw new Problem(400, 'No session', 'two-step verification belongs to a web session');
    return request.session;
  };
  const Code = Type.Object({ code: Type.String({ maxLength: 10 }) });

  app.post(
    '/api/v1/session/totp',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Start turning on two-step verification: a new TOTP seed for an authenticator app',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String() }) },
      },
    },
    async (request) => startTotp(db, sessionOf(request), config.secretKey),
  );

  app.post(
    '/api/v1/session/totp/confirm',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Turn two-step verification on with a code from the app',
        body: Code,
        response: { 200: Session },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      if (!(await confirmTotp(db, session, request.body.code, config.secretKey))) {
        throw badRequest('the code is wrong, or no two-step verification is being set up');
      }
      const refreshed = await authenticateSessionById(db, session.sessionId);
      if (!refreshed) throw new Problem(401, 'Unauthorized', 'the session ended');
      return refreshed.view;
    },
  );

  app.delete(
    '/api/v1/session/totp',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Turn two-step verification off (needs a current code)',
        body: Code,
      },
    },
    async (request, reply) => {
      if (!(await disableTotp(db, sessionOf(request), request.body.code, config.secretKey))) {
        throw badRequest('the code is wrong, or two-step verification is not on');
      }
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { permission: 'session' },
      schema: { tags: ['session'], summary: 'The current session', response: { 200: Session } },
    },
    async (request) => {
      if (!request.session)
        throw new Problem(400, 'No session', 'this request is authenticated by an API key, not a session');
      return request.session.view;
    },
  );

  app.put(
    '/api/v1/session/organization',
    {
      config: { permission: 'session' },
      schema: {
        tags: ['session'],
        summary: 'Switch the organization the session works in',
        body: Type.Object({ slug: Type.String() }),
        response: { 200: Session },
      },
    },
    async (request) => {
      if (!request.session) throw new Problem(400, 'No session', 'only web sessions switch organization');
      const next = await switchOrganization(db, request.session, request.body.slug);
      if (!next) throw notFound(`organization ${request.body.slug} among yours`);
      return next.view;
    },
  );

  app.delete(
    '/api/v1/session',
    {
      config: { permission: 'session' },
      schema: { tags: ['session'], summary: 'Log out' },
    },
    async (request, reply) => {
      if (request.session) await logout(db, request.session.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/api-keys',
    {
      config: { permission: 'api_keys:manage' },
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key for an integration (admins only); the key is shown once',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          role: Role,
          creditorIds: Type.Optional(Type.Array(Id)),
        }),
        response: { 201: Type.Object({ id: Type.Integer(), key: Type.String() }) },
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      const { name, role, creditorIds } = request.body;
      const created = await createApiKey(db, {
        orgId: scope.orgId,
        name,
        role: role as RoleName,
        creditorIds,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api/v1/api-keys/:id',
    {
      config: { permission: 'api_keys:manage' },
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        params: Type.Object({ id: Id }),
      },
    },
    async (request, reply) => {
      const scope = requireScope(request);
      if (!(await revokeApiKey(db, scope.orgId, request.params.id, scope.actor))) {
        throw notFound(`API key ${request.params.id}`);
      }
      return reply.code(204).send();
    },
  );
}
