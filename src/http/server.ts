import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyReply, LogController } from 'fastify';
import { accessRoutes, publicAccessRoutes } from '../access/routes.ts';
import { auditRoutes } from '../audit/routes.ts';
import { billingRoutes } from '../billing/routes.ts';
import { channelRoutes, publicChannelRoutes } from '../channels/routes.ts';
import { dunningRoutes } from '../dunning/routes.ts';
import { importRoutes } from '../imports/routes.ts';
import { kpiRoutes } from '../kpis/routes.ts';
import { lgpdRoutes } from '../lgpd/routes.ts';
import { monitoringRoutes } from '../monitoring/routes.ts';
import { agreementRoutes } from '../payments/agreementRoutes.ts';
import { paymentRoutes, publicPaymentRoutes } from '../payments/routes.ts';
import { portalRoutes } from '../portal/routes.ts';
import { portfolioRoutes } from '../portfolio/routes.ts';
import { reportRoutes } from '../reports/routes.ts';
import { scoringRoutes } from '../scoring/routes.ts';
import { Problem } from '../shared/problem.ts';
import { authenticator, authorize } from './auth.ts';
import { loggerOptions } from './logging.ts';
import type { App, AppContext } from './types.ts';

export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const PROBLEM_TYPE = 'about:blank';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  429: 'Too many requests',
};

/** Whether the error, or one it wraps (Drizzle wraps driver errors), is a PostgreSQL data exception. */
function isDataException(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
  return isDataException((error as { cause?: unknown }).cause, depth + 1);
}

/** Builds the HTTP server: JSON API under /api/v1, OpenAPI at /docs, and the web app. */
export async function buildServer(
  context: AppContext & { localToken?: string | null; logger?: boolean },
): Promise<App> {
  const app = Fastify({
    logger: context.logger === false ? false : loggerOptions(context.config.logLevel),
    trustProxy: false,
    // Each request is not worth a log line; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors the router raises before any route runs (a malformed URL, a path parameter too long) are
    // problems too.
    frameworkErrors: (error, request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode < 500 ? error.statusCode : 400;
      (reply as FastifyReply)
        .code(status)
        .header('connection', 'close')
        .type('application/problem+json')
        .send({
          type: PROBLEM_TYPE,
          title: TITLES[status] ?? 'Bad request',
          status,
          detail: error.message.slice(0, 200),
          instance: request.url.split('?')[0]?.slice(0, 200),
        });
    },
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as App;

  app.decorateRequest('scope', null);
  app.decorateRequest('session', null);

  app.setErrorHandler((error: FastifyError | Problem | Error, request, reply) => {
    let status = 500;
    let title = 'Internal server error';
    let detail = 'something went wrong on our side; the error was logged';
    let extra: Record<string, unknown> = {};
    if (error instanceof Problem) {
      ({ status, title, detail } = error);
      extra = error.extra;
    } else if ('validation' in error && error.validation) {
      status = 400;
      title = 'Invalid request';
      detail = error.message;
      extra = {
        errors: error.validation.map((v) => ({
          where: `${error.validationContext ?? ''}${v.instancePath}`,
          message: v.message,
        })),
      };
    } else if (isDataException(error)) {
      // SQLSTATE class 22 (a value out of range, malformed number or date...) can only come from a
      // value in the request that validation let through, such as 1e309 read as Infinity.
      status = 400;
      title = 'Invalid value';
      detail = 'a value in the request is out of range or malformed';
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
      status = error.statusCode;
      title = TITLES[status] ?? 'Bad request';
      detail = status === 415 ? 'send multipart/form-data, text/csv or application/json' : error.message;
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    reply
      .code(status)
      .type('application/problem+json')
      .send({ type: PROBLEM_TYPE, title, status, detail, instance: request.url.split('?')[0], ...extra });
  });

  // A body left unread (an upload refused early, a preview of a whole file) would stall the next
  // request on a kept-alive connection: close it instead.
  app.addHook('onSend', async (request, reply) => {
    if (!request.raw.readableEnded) reply.header('connection', 'close');
  });

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: { fileSize: context.config.maxUploadBytes, files: 1, fields: 10 },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Régua API',
        version: '1',
        description:
          'Collections platform API. Money is in integer centavos; due dates are YYYY-MM-DD; errors are application/problem+json.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key of an organization (rg_...)' },
          session: { type: 'apiKey', in: 'cookie', name: 'regua_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/health', { schema: { hide: true } }, async () => {
    await context.db.query('select 1');
    return { status: 'ok', database: context.db.engine };
  });

  publicAccessRoutes(app, context);
  publicChannelRoutes(app, context);
  publicPaymentRoutes(app, context);
  portalRoutes(app, context);
  await app.register(async (api) => {
    const typed: App = api.withTypeProvider<TypeBoxTypeProvider>();
    typed.addHook('onRequest', authenticator(context.db, context.localToken ?? null));
    typed.addHook('onRequest', authorize);
    accessRoutes(typed, context);
    portfolioRoutes(typed, context);
    importRoutes(typed, context);
    auditRoutes(typed, context);
    lgpdRoutes(typed, context);
    dunningRoutes(typed, context);
    channelRoutes(typed, context);
    paymentRoutes(typed, context);
    agreementRoutes(typed, context);
    kpiRoutes(typed, context);
    monitoringRoutes(typed, context);
    reportRoutes(typed, context);
    billingRoutes(typed, context);
    scoringRoutes(typed, context);
  });

  const hasWeb = existsSync(`${WEB_ROOT}index.html`);
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false, index: 'index.html' });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.method === 'GET' && hasWeb && !path.startsWith('/api/') && !path.startsWith('/docs')) {
      return reply.sendFile('index.html');
    }
    return reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: PROBLEM_TYPE,
        title: 'Not found',
        status: 404,
        detail: `no route ${request.method} ${path}`,
        instance: path,
      });
  });
  return app;
}
