/**
 * The debtor portal's service: who the link is for, the identity check (CPF/CNPJ plus a one-time code
 * sent to a contact the creditor already has), and what a confirmed debtor may see and do. Everything a
 * debtor does here runs under a Scope limited to their own creditor and is recorded in the audit trail
 * as `debtor:{id}:portal`.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { type Scope, scopeFor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { formatDocument } from '../dunning/templates.ts';
import type { NegotiationPolicy } from '../payments/offers.ts';
import { Problem } from '../shared/problem.ts';
import type { PortalLink } from './links.ts';

export const CODE_MINUTES = 10;
export const SESSION_MINUTES = 30;
export const MAX_CODE_ATTEMPTS = 5;
/** Codes a debtor may ask for in CODE_WINDOW_MINUTES. */
export const MAX_CODES = 3;
export const CODE_WINDOW_MINUTES = 15;

/** The creditor as the portal needs it: its Pix identity and its negotiation policy (null: the default). */
export type PortalCreditor = {
  pixKey: string | null;
  name: string;
  city: string | null;
  policy: NegotiationPolicy | null;
};

export type PortalContact = { id: string; channel: 'email' | 'sms' | 'whatsapp'; masked: string };

export type PortalDebtor = {
  orgId: number;
  debtorId: number;
  creditorId: number;
  name: string;
  document: string;
  kind: 'person' | 'company';
  creditorName: string;
  creditorCnpj: string;
  timeZone: string;
  creditor: PortalCreditor;
  /** `optedOut`: the debtor stopped collection messages there (a code they ask for still goes). */
  contacts: Array<PortalContact & { address: string; optedOut: boolean }>;
};

export function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***${user.length > 2 ? user.slice(-1) : ''}@${domain}`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `(**) *****-${digits.slice(-4)}`;
}

const portalProblem = (status: number, detail: string) =>
  new Problem(status, status === 429 ? 'Too many requests' : 'Portal', detail);

type DebtorRow = {
  creditorId: number;
  name: string;
  document: string;
  kind: 'person' | 'company';
  emails: string[];
  phones: string[];
  whatsapp: string | null;
  preferences: Record<string, { optedOutAt?: string; consentAt?: string }>;
  creditorName: string;
  creditorCnpj: string;
  timeZone: string;
  creditor: PortalCreditor;
};

/** The debtor, their creditor (identity, Pix, policy) and the organization's time zone, in one read. */
const DEBTOR_COLUMNS = `d.creditor_id as "creditorId", d.name, d.document, d.kind, d.emails, d.phones, d.whatsapp,
  d.channel_preferences as preferences, coalesce(c.trade_name, c.legal_name) as "creditorName",
  c.cnpj as "creditorCnpj", o.time_zone as "timeZone",
  jsonb_build_object('pixKey', c.pix_key, 'name', coalesce(c.pix_merchant_name, c.trade_name, c.legal_name),
    'city', coalesce(c.pix_city, c.city), 'policy', c.negotiation_policy) as creditor`;
const DEBTOR_JOINS = `join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
  join organizations o on o.id = d.org_id`;

/** The debtor a valid link names, with the contacts a one-time code may go to. */
export async function linkDebtor(db: Database, link: PortalLink): Promise<PortalDebtor> {
  const [row] = await withTenant(db, link.orgId, (tx) =>
    tx.query<DebtorRow>(
      `select ${DEBTOR_COLUMNS} from debtors d ${DEBTOR_JOINS} where d.org_id = $1 and d.id = $2`,
      [link.orgId, link.debtorId],
    ),
  );
  if (!row) throw portalProblem(404, 'Este link não é válido. Peça um novo ao credor.');
  return portalDebtor(link.orgId, link.debtorId, row);
}

function portalDebtor(orgId: number, debtorId: number, row: DebtorRow): PortalDebtor {
  // A code is a message the debtor asks for, not a collection contact: an opt-out of collection
  // messages does not lock them out of the portal. WhatsApp still needs their opt-in.
  const contacts: PortalDebtor['contacts'] = [];
  const optedOut = (channel: string) => Boolean(row.preferences[channel]?.optedOutAt);
  row.emails.forEach((address, i) => {
    contacts.push({
      id: `email:${i}`,
      channel: 'email',
      masked: maskEmail(address),
      address,
      optedOut: optedOut('email'),
    });
  });
  if (row.whatsapp && !row.preferences.whatsapp?.optedOutAt && row.preferences.whatsapp?.consentAt)
    contacts.push({
      id: 'whatsapp:0',
      channel: 'whatsapp',
      masked: maskPhone(row.whatsapp),
      address: row.whatsapp,
      optedOut: false,
    });
  row.phones.forEach((address, i) => {
    contacts.push({
      id: `sms:${i}`,
      channel: 'sms',
      masked: maskPhone(address),
      address,
      optedOut: optedOut('sms'),
    });
  });
  return { orgId, debtorId, ...row, contacts };
}

function codeHash(key: Buffer, sessionId: number, code: string): string {
  return createHmac('sha256', key).update(`portal-code:${sessionId}:${code}`).digest('hex');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Sends a 6-digit code to one of the debtor's known contacts, through the outbox (it goes at once, even
 * outside the contact window). At most MAX_CODES per CODE_WINDOW_MINUTES per debtor.
 */
export async function sendCode(
  db: Database,
  key: Buffer,
  link: PortalLink,
  contactId: string,
  now: Date = new Date(),
): Promise<{ checkId: number; sentTo: string; expiresAt: Date }> {
  const debtor = await linkDebtor(db, link);
  const contact = debtor.contacts.find((c) => c.id === contactId);
  if (!contact) throw portalProblem(400, 'Escolha um dos contatos mostrados para receber o código.');
  return withTenant(db, link.orgId, async (tx) => {
    const [recent] = await tx.query<{ n: number }>(
      `select count(*)::int as n from portal_sessions
        where org_id = $1 and debtor_id = $2 and created_at > $3::timestamptz - make_interval(mins => $4)`,
      [link.orgId, link.debtorId, now.toISOString(), CODE_WINDOW_MINUTES],
    );
    if ((recent?.n ?? 0) >= MAX_CODES)
      throw portalProblem(
        429,
        `Você já pediu ${MAX_CODES} códigos nos últimos ${CODE_WINDOW_MINUTES} minutos. Aguarde um pouco e tente de novo.`,
      );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + CODE_MINUTES * 60_000);
    const [check] = await tx.query<{ id: number }>(
      `insert into portal_sessions (org_id, debtor_id, link_nonce, code_hash, sent_to, channel, code_expires_at, created_at)
       values ($1, $2, $3, '', $4, $5, $6, $7) returning id`,
      [link.orgId, link.debtorId, link.nonce, contact.masked, contact.channel, expiresAt, now],
    );
    if (!check) throw new Error('portal session insert returned nothing');
    await tx.query('update portal_sessions set code_hash = $3 where org_id = $1 and id = $2', [
      link.orgId,
      check.id,
      codeHash(key, check.id, code),
    ]);
    const body =
      `Seu código de acesso ao portal de ${debtor.creditorName} é ${code}. ` +
      `Ele vale por ${CODE_MINUTES} minutos. Não compartilhe este código.`;
    await tx.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address,
              subject, body, why)
       values ($1, $2, $3, $4, 'portal_code', $5, $6, $7, $8, $9)`,
      [
        link.orgId,
        debtor.creditorId,
        link.debtorId,
        contact.channel,
        `portal-code:${check.id}`,
        contact.address,
        contact.channel === 'email' ? `Código de acesso: ${code}` : null,
        body,
        JSON.stringify({ reason: 'portal identity check', check: check.id }),
      ],
    );
    return { checkId: check.id, sentTo: contact.masked, expiresAt };
  });
}

const normalizeDocument = (text: string) => text.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

/**
 * Confirms the debtor: the CPF/CNPJ they type must be theirs and the code the one sent, within its ten
 * minutes and MAX_CODE_ATTEMPTS tries. Returns a session token (stored hashed) for SESSION_MINUTES.
 */
export async function verifyCode(
  db: Database,
  key: Buffer,
  link: PortalLink,
  input: { checkId: number; document: string; code: string },
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const debtor = await linkDebtor(db, link);
  const outcome = await withTenant(db, link.orgId, async (tx) => {
    const [check] = await tx.query<{
      attempts: number;
      codeHash: string;
      codeExpiresAt: Date;
      linkNonce: string;
    }>(
      `select attempts, code_hash as "codeHash", code_expires_at as "codeExpiresAt", link_nonce as "linkNonce"
         from portal_sessions where org_id = $1 and id = $2 and debtor_id = $3 and session_hash is null for update`,
      [link.orgId, input.checkId, link.debtorId],
    );
    if (!check || check.linkNonce !== link.nonce)
      throw portalProblem(400, 'Peça um código de acesso antes de confirmar.');
    if (check.attempts >= MAX_CODE_ATTEMPTS)
      throw portalProblem(429, 'Muitas tentativas com este código. Peça um novo código.');
    if (new Date(check.codeExpiresAt).getTime() < now.getTime())
      throw portalProblem(400, 'Este código expirou. Peça um novo código.');
    await tx.query('update portal_sessions set attempts = attempts + 1 where org_id = $1 and id = $2', [
      link.orgId,
      input.checkId,
    ]);
    const expected = Buffer.from(check.codeHash, 'hex');
    const given = Buffer.from(codeHash(key, input.checkId, input.code.trim()), 'hex');
    const codeOk = expected.length === given.length && timingSafeEqual(expected, given);
    const documentOk = normalizeDocument(input.document) === normalizeDocument(debtor.document);
    if (!codeOk || !documentOk) {
      // The spent try is kept: the problem is answered after the transaction commits.
      const left = MAX_CODE_ATTEMPTS - check.attempts - 1;
      return portalProblem(
        400,
        `O ${debtor.kind === 'company' ? 'CNPJ' : 'CPF'} ou o código não conferem. ${left > 0 ? `Restam ${left} tentativas.` : 'Peça um novo código.'}`,
      );
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SESSION_MINUTES * 60_000);
    await tx.query(
      'update portal_sessions set session_hash = $3, session_expires_at = $4 where org_id = $1 and id = $2',
      [link.orgId, input.checkId, sha256(token), expiresAt],
    );
    await appendAudit(tx, {
      orgId: link.orgId,
      actor: `debtor:${link.debtorId}:portal`,
      action: 'portal.login',
      entity: 'debtor',
      entityId: link.debtorId,
      after: { check: input.checkId },
    });
    return { token: `${link.orgId.toString(36)}.${token}`, expiresAt };
  });
  if (outcome instanceof Problem) throw outcome;
  return outcome;
}

export type PortalSession = { debtor: PortalDebtor; scope: Scope; sessionId: number };

/** The debtor behind a portal session cookie, or null when it is unknown or expired. */
/** The organization a portal session cookie names, or null when it is not one. */
export function portalCookieOrg(cookie: string | undefined): number | null {
  const match = /^([0-9a-z]{1,13})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? '');
  const orgId = match?.[1] ? Number.parseInt(match[1], 36) : Number.NaN;
  return Number.isSafeInteger(orgId) && orgId > 0 ? orgId : null;
}

export async function portalSession(
  db: Database,
  cookie: string | undefined,
  now: Date = new Date(),
): Promise<PortalSession | null> {
  const match = /^([0-9a-z]{1,13})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? '');
  if (!match?.[1] || !match[2]) return null;
  const orgId = Number.parseInt(match[1], 36);
  const secret = match[2];
  if (!Number.isSafeInteger(orgId) || orgId < 1) return null;
  const [row] = await withTenant(db, orgId, (tx) =>
    tx.query<DebtorRow & { id: number; debtorId: number }>(
      `/* prepared:portal_session */ select s.id, s.debtor_id as "debtorId", ${DEBTOR_COLUMNS}
         from portal_sessions s join debtors d on d.org_id = s.org_id and d.id = s.debtor_id ${DEBTOR_JOINS}
        where s.org_id = $1 and s.session_hash = $2 and s.session_expires_at > $3`,
      [orgId, sha256(secret), now],
    ),
  );
  if (!row) return null;
  const debtor = portalDebtor(orgId, row.debtorId, row);
  const scope = scopeFor({
    orgId,
    role: 'client_viewer',
    creditorIds: [debtor.creditorId],
    userId: null,
    timeZone: debtor.timeZone,
    actor: `debtor:${debtor.debtorId}:portal`,
  });
  return { debtor, scope, sessionId: row.id };
}

/** Ends a portal session. */
export async function endPortalSession(db: Database, session: PortalSession): Promise<void> {
  await withTenant(db, session.scope.orgId, (tx) =>
    tx.query('update portal_sessions set session_expires_at = now() where org_id = $1 and id = $2', [
      session.scope.orgId,
      session.sessionId,
    ]),
  );
}

/** The debtor asks for help: a call from a collector, with their question as the script. */
export async function askForHelp(
  db: Database,
  session: PortalSession,
  input: { message: string; phone?: string | null },
  now: Date = new Date(),
): Promise<{ queued: boolean }> {
  const { debtor, scope } = session;
  const phone = input.phone?.trim() || debtor.contacts.find((c) => c.channel !== 'email')?.address || null;
  return withTenant(db, scope.orgId, async (tx) => {
    await tx.query(
      `insert into inbound_messages (org_id, channel, provider_message_id, from_address, kind, body, sent_at, raw)
       values ($1, 'portal', $2, $3, 'help_request', $4, $5, $6)`,
      [
        scope.orgId,
        `portal-help:${session.sessionId}:${now.getTime()}`,
        `debtor:${debtor.debtorId}`,
        input.message,
        now,
        JSON.stringify({ debtorId: debtor.debtorId, phone }),
      ],
    );
    const script =
      `${debtor.name} (${formatDocument(debtor.document)}) pediu ajuda pelo portal: "${input.message}". ` +
      (phone ? 'Ligue e responda.' : 'Sem telefone: responda pelo e-mail cadastrado.');
    await tx.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address,
              body, why)
       values ($1, $2, $3, 'phone', 'help_request', $4, $5, $6, $7)`,
      [
        scope.orgId,
        debtor.creditorId,
        debtor.debtorId,
        `portal-help:${session.sessionId}:${now.getTime()}`,
        phone,
        script,
        JSON.stringify({ reason: 'the debtor asked for help in the portal' }),
      ],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'portal.help_request',
      entity: 'debtor',
      entityId: debtor.debtorId,
      after: { message: input.message },
    });
    return { queued: true };
  });
}
