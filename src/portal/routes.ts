import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/client.ts';
import { inTransaction, withTenant } from '../db/tenant.ts';
import { placeHold } from '../dunning/holds.ts';
import { rateLimit } from '../http/ratelimit.ts';
import type { App, AppContext } from '../http/types.ts';
import { AcceptBody, AgreementSchema } from '../payments/agreementRoutes.ts';
import { acceptOffer, installmentBoleto, listAgreements } from '../payments/agreements.ts';
import { boletoPdf } from '../payments/boletoPdf.ts';
import { debtorOffers } from '../payments/negotiation.ts';
import { DEFAULT_POLICY } from '../payments/offers.ts';
import { creditorPix, debtorTxid, pixQrSvg } from '../payments/pix.ts';
import { debtorCharges } from '../payments/terms.ts';
import { recordConsent } from '../portfolio/consents.ts';
import { addDays, isCalendarDate, todayIn } from '../shared/dates.ts';
import { Problem } from '../shared/problem.ts';
import { verifyPortalLink } from './links.ts';
import {
  askForHelp,
  CODE_MINUTES,
  endPortalSession,
  linkDebtor,
  type PortalCreditor,
  type PortalSession,
  portalCookieOrg,
  portalSession,
  SESSION_MINUTES,
  sendCode,
  verifyCode,
} from './portal.ts';

export const PORTAL_COOKIE = 'regua_portal';
const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Token = Type.Object({ token: Type.String({ maxLength: 200 }) });
const Ok = Type.Object({ ok: Type.Boolean() });
/** A promise is for a date within this many days. */
const PROMISE_MAX_DAYS = 30;

/**
 * The debtor portal's API (`/api/portal/...`): public, reached from a signed link, then by a session
 * cookie once the debtor confirmed their CPF/CNPJ and a one-time code. Rate-limited per address.
 */
export function portalRoutes(app: App, { db, config }: AppContext) {
  const key = config.secretKey;
  const secure = config.publicUrl.startsWith('https:');

  const link = (token: string) => {
    if (!key)
      throw new Problem(503, 'Portal unavailable', 'O portal não está configurado (REGUA_SECRET_KEY).');
    const check = verifyPortalLink(key, token);
    if (!check.ok) throw new Problem(check.reason === 'expired' ? 410 : 404, 'Portal', check.message);
    return check.link;
  };
  const expired = () =>
    new Problem(401, 'Portal', 'Sua sessão terminou. Abra de novo o link que você recebeu para entrar.');
  const session = async (request: FastifyRequest): Promise<PortalSession> => {
    const found = await portalSession(db, request.cookies[PORTAL_COOKIE]);
    if (!found) throw expired();
    return found;
  };

  app.register(async (portal) => {
    const typed = portal as unknown as App;
    portal.addHook(
      'onRequest',
      rateLimit({
        limit: config.portalRatePerMinute,
        windowMs: 60_000,
        name: 'the debtor portal',
        detail: 'Muitas tentativas seguidas. Aguarde {seconds} segundos e tente de novo.',
      }),
    );
    // Nothing of the portal is cached by a shared device's browser or a proxy.
    portal.addHook('onSend', async (_request, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
    });

    typed.get(
      '/api/portal/links/:token',
      {
        schema: {
          tags: ['portal'],
          summary: 'Whom a portal link is for, and the contacts a one-time code may go to (masked)',
          params: Token,
          response: {
            200: Type.Object({
              creditorName: Type.String(),
              creditorCnpj: Type.String(),
              debtorFirstName: Type.String(),
              signedIn: Type.Boolean({
                description: 'whether this browser already has a session for this debtor',
              }),
              documentKind: Type.Union([Type.Literal('cpf'), Type.Literal('cnpj')]),
              contacts: Type.Array(
                Type.Object({ id: Type.String(), channel: Type.String(), masked: Type.String() }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const debtor = await linkDebtor(db, link(request.params.token));
        const current = await portalSession(db, request.cookies[PORTAL_COOKIE]);
        return {
          creditorName: debtor.creditorName,
          creditorCnpj: debtor.creditorCnpj,
          signedIn:
            current !== null &&
            current.debtor.debtorId === debtor.debtorId &&
            current.scope.orgId === debtor.orgId,
          debtorFirstName: debtor.name.split(/\s+/)[0] ?? '',
          documentKind: debtor.kind === 'company' ? ('cnpj' as const) : ('cpf' as const),
          contacts: debtor.contacts.map(({ id, channel, masked }) => ({ id, channel, masked })),
        };
      },
    );

    typed.post(
      '/api/portal/links/:token/code',
      {
        schema: {
          tags: ['portal'],
          summary: `Sends a one-time code (valid ${CODE_MINUTES} minutes) to one of the debtor’s known contacts`,
          params: Token,
          body: Type.Object({ contactId: Type.String({ maxLength: 20 }) }),
          response: {
            200: Type.Object({
              checkId: Id,
              sentTo: Type.String(),
              expiresAt: Type.Unsafe<Date>({ type: 'string', format: 'date-time' }),
            }),
          },
        },
      },
      async (request) => {
        if (!key) throw new Problem(503, 'Portal unavailable', 'O portal não está configurado.');
        return sendCode(db, key, link(request.params.token), request.body.contactId);
      },
    );

    typed.post(
      '/api/portal/links/:token/verify',
      {
        schema: {
          tags: ['portal'],
          summary: `Confirms the debtor (CPF/CNPJ and the code) and opens a ${SESSION_MINUTES}-minute session`,
          params: Token,
          body: Type.Object({
            checkId: Id,
            document: Type.String({ maxLength: 30 }),
            code: Type.String({ maxLength: 10 }),
          }),
          response: { 200: Ok },
        },
      },
      async (request, reply) => {
        if (!key) throw new Problem(503, 'Portal unavailable', 'O portal não está configurado.');
        const opened = await verifyCode(db, key, link(request.params.token), request.body);
        reply.setCookie(PORTAL_COOKIE, opened.token, {
          path: '/api/portal',
          httpOnly: true,
          secure,
          sameSite: 'strict',
          expires: opened.expiresAt,
        });
        return { ok: true };
      },
    );

    typed.get(
      '/api/portal/me',
      {
        schema: {
          tags: ['portal'],
          summary:
            'What the debtor owes, explained, with the Pix to pay it; the offers; the agreements with each payment’s Pix and boleto',
        },
      },
      async (request) => {
        // The whole page is read in one tenant transaction.
        const orgId = portalCookieOrg(request.cookies[PORTAL_COOKIE]);
        if (orgId === null) throw expired();
        return withTenant(db, orgId, (tx) =>
          mainPage(inTransaction(db, tx, orgId), request.cookies[PORTAL_COOKIE]),
        );
      },
    );

    async function mainPage(db: Database, cookie: string | undefined) {
      const found = await portalSession(db, cookie);
      if (!found) throw expired();
      const { debtor, scope } = found;
      const today = todayIn(scope.timeZone);
      const { creditor } = debtor;
      const [charges, agreements] = await Promise.all([
        debtorCharges(db, scope, debtor.debtorId, today, { withPix: false }),
        listAgreements(db, scope, debtor.debtorId),
      ]);
      const running = agreements
        .filter((a) => a.status === 'active')
        .flatMap((a) => a.installments.map((i) => ({ receivableId: i.receivableId, agreementId: a.id })));
      const offers = await debtorOffers(db, scope, debtor.debtorId, today, {
        charges,
        known: { creditorId: debtor.creditorId, policy: creditor.policy ?? DEFAULT_POLICY, running },
      });
      const governed = new Set(running.map((r) => r.receivableId));
      const debts = charges.receivables.filter((r) => !governed.has(r.receivableId));
      const totalCents = debts.reduce((sum, r) => sum + r.totalCents, 0);
      const pix = await debtsPix(creditor, debtor, totalCents, today);
      const active = await Promise.all(
        agreements
          .filter((a) => a.status === 'active')
          .map(async (a) => ({
            ...a,
            installments: await Promise.all(
              a.installments.map(async (i) => ({
                ...i,
                qrSvg:
                  i.pixCopiaECola && (i.status === 'open' || i.status === 'partially_paid')
                    ? await pixQrSvg(i.pixCopiaECola)
                    : null,
              })),
            ),
          })),
      );
      return {
        debtor: {
          firstName: debtor.name.split(/\s+/)[0] ?? '',
          name: debtor.name,
          creditorName: debtor.creditorName,
          creditorCnpj: debtor.creditorCnpj,
        },
        asOf: today,
        totalCents,
        debts,
        error: charges.error,
        pix,
        offers: governed.size > 0 ? [] : offers.offers,
        offersNote: offers.error,
        agreements: active,
        // The channels collection messages still go on: the ones the debtor may stop.
        contacts: debtor.contacts
          .filter((c) => !c.optedOut)
          .map(({ id, channel, masked }) => ({ id, channel, masked })),
        promiseMaxDate: addDays(today, PROMISE_MAX_DAYS),
      };
    }

    typed.post(
      '/api/portal/agreements',
      {
        schema: {
          tags: ['portal'],
          summary: 'The debtor accepts an offer (409 when it changed since it was shown)',
          body: AcceptBody,
          response: { 201: AgreementSchema },
        },
      },
      async (request, reply) => {
        const { debtor, scope } = await session(request);
        const agreement = await acceptOffer(
          db,
          scope,
          { debtorId: debtor.debtorId, ...request.body },
          { secretKey: key },
        );
        return reply.code(201).send(agreement);
      },
    );

    typed.get(
      '/api/portal/agreements/:id/installments/:number/boleto.pdf',
      {
        schema: {
          tags: ['portal'],
          summary: 'The boleto of one of the debtor’s agreement payments',
          params: Type.Object({ id: Id, number: Type.Integer({ minimum: 1, maximum: 200 }) }),
        },
      },
      async (request, reply) => {
        const { debtor, scope } = await session(request);
        const agreements = await listAgreements(db, scope, debtor.debtorId);
        if (!agreements.some((a) => a.id === request.params.id))
          throw new Problem(404, 'Not found', 'Acordo não encontrado.');
        const data = await installmentBoleto(db, scope, request.params.id, request.params.number);
        return reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `inline; filename="boleto-${request.params.id}-${request.params.number}.pdf"`,
          )
          .send(boletoPdf(data));
      },
    );

    typed.post(
      '/api/portal/promise',
      {
        schema: {
          tags: ['portal'],
          summary: `The debtor promises to pay an amount by a date (within ${PROMISE_MAX_DAYS} days); the cadence waits`,
          body: Type.Object({
            date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
            amountCents: Type.Integer({ minimum: 1 }),
          }),
          response: { 200: Type.Object({ ok: Type.Boolean(), untilDate: Type.String() }) },
        },
      },
      async (request) => {
        const { debtor, scope } = await session(request);
        const today = todayIn(scope.timeZone);
        const { date, amountCents } = request.body;
        if (!isCalendarDate(date) || date < today || date > addDays(today, PROMISE_MAX_DAYS))
          throw new Problem(
            400,
            'Bad Request',
            `Escolha uma data entre hoje e ${addDays(today, PROMISE_MAX_DAYS).split('-').reverse().join('/')}.`,
          );
        const hold = await placeHold(db, scope, {
          debtorId: debtor.debtorId,
          kind: 'promise',
          untilDate: date,
          amountCents,
          reason: 'Promessa de pagamento feita pelo devedor no portal',
        });
        return { ok: true, untilDate: hold.untilDate ?? date };
      },
    );

    typed.post(
      '/api/portal/help',
      {
        schema: {
          tags: ['portal'],
          summary: 'The debtor asks for help: a collector calls back (a task in the worklist)',
          body: Type.Object({
            message: Type.String({ minLength: 3, maxLength: 1000 }),
            phone: Type.Optional(Type.String({ maxLength: 30 })),
          }),
          response: { 200: Ok },
        },
      },
      async (request) => {
        const found = await session(request);
        await askForHelp(db, found, request.body);
        return { ok: true };
      },
    );

    typed.post(
      '/api/portal/opt-out',
      {
        schema: {
          tags: ['portal'],
          summary: 'The debtor stops messages on a channel (recorded in the consent ledger)',
          body: Type.Object({
            channel: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('whatsapp')]),
          }),
          response: { 200: Ok },
        },
      },
      async (request) => {
        const { debtor, scope } = await session(request);
        await recordConsent(db, scope, {
          debtorId: debtor.debtorId,
          channel: request.body.channel,
          event: 'opt_out',
          source: 'portal',
        });
        return { ok: true };
      },
    );

    typed.delete(
      '/api/portal/session',
      { schema: { tags: ['portal'], summary: 'Leaves the portal', response: { 200: Ok } } },
      async (request, reply) => {
        const found = await portalSession(db, request.cookies[PORTAL_COOKIE]);
        if (found) await endPortalSession(db, found);
        reply.clearCookie(PORTAL_COOKIE, { path: '/api/portal' });
        return { ok: true };
      },
    );
  });
}

/** The static Pix for what the debtor owes outside agreements; its txid names the debtor. */
async function debtsPix(
  creditor: PortalCreditor,
  debtor: PortalSession['debtor'],
  totalCents: number,
  today: string,
): Promise<{ copiaECola: string; qrSvg: string } | null> {
  const copiaECola = creditorPix(creditor, totalCents, debtorTxid(debtor.debtorId, today));
  return copiaECola ? { copiaECola, qrSvg: await pixQrSvg(copiaECola) } : null;
}
