import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { creditorPix } from '../payments/pix.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { notFound } from '../shared/problem.ts';
import type { StepChannel } from './definition.ts';
import {
  checkTemplate,
  type MessageTemplate,
  renderTemplate,
  type SmsMeasure,
  smsSegments,
  type TemplateContext,
  type TemplateProblem,
} from './templates.ts';

export type TemplatePreview = {
  subject: string | null;
  body: string | null;
  /** Variables this debtor has no value for (e.g. no Pix yet): the message could not be sent as is. */
  missing: string[];
  problems: TemplateProblem[];
  sms: SmsMeasure | null;
};

/** The template filled with a real debtor's data as of a date, with the checks activation will run. */
export async function previewTemplate(
  db: Database,
  scope: Scope,
  input: { debtorId: number; channel: StepChannel; template: MessageTemplate; asOf?: CalendarDate },
): Promise<TemplatePreview> {
  const asOf = input.asOf ?? todayIn(scope.timeZone);
  const context = await debtorContext(db, scope, input.debtorId, asOf);
  const rendered = renderTemplate(input.template, context);
  const problems = checkTemplate(input.channel, input.template);
  const body = rendered.ok ? rendered.body : null;
  return {
    subject: rendered.ok ? rendered.subject : null,
    body,
    missing: rendered.ok ? [] : [...rendered.missing, ...rendered.malformed],
    problems,
    sms: input.channel === 'sms' && body !== null ? smsSegments(body) : null,
  };
}

/** What a message to this debtor would say today: its open receivables and its creditor. */
export async function debtorContext(
  db: Database,
  scope: Scope,
  debtorId: number,
  asOf: CalendarDate,
): Promise<TemplateContext> {
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{
      name: string;
      document: string;
      kind: 'person' | 'company';
      legalName: string;
      tradeName: string | null;
      cnpj: string;
      address: string | null;
      phone: string | null;
      email: string | null;
      pixKey: string | null;
      pixName: string;
      pixCity: string | null;
      receivables: TemplateContext['receivables'];
    }>(
      `select d.name, d.document, d.kind, c.legal_name as "legalName", c.trade_name as "tradeName", c.cnpj,
              nullif(concat_ws(', ', nullif(concat_ws(' ', c.street, c.number), ''), c.district,
                     nullif(concat_ws('/', c.city, c.uf), ''), c.cep), '') as address,
              c.phone, c.email, c.pix_key as "pixKey", coalesce(c.pix_merchant_name, c.trade_name, c.legal_name) as "pixName",
              coalesce(c.pix_city, c.city) as "pixCity",
              coalesce((select jsonb_agg(jsonb_build_object('externalId', r.external_id, 'documentNumber',
                         r.document_number, 'dueDate', r.due_date, 'openCents', r.open_cents) order by r.due_date)
                          from receivables r
                         where r.org_id = d.org_id and r.debtor_id = d.id
                           and r.status in ('open', 'partially_paid') and r.open_cents > 0), '[]') as receivables
         from debtors d join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
        where d.org_id = $1 and d.id = $2 and ($3::bigint[] is null or d.creditor_id = any($3))`,
      [scope.orgId, debtorId, scope.creditorIds],
    ),
  );
  if (!row) throw notFound(`debtor ${debtorId}`);
  return {
    debtor: { name: row.name, document: row.document, kind: row.kind },
    creditor: {
      legalName: row.legalName,
      tradeName: row.tradeName,
      cnpj: row.cnpj,
      address: row.address,
      phone: row.phone,
      email: row.email,
    },
    receivables: row.receivables,
    asOf,
    paymentLink: null,
    pixCopiaECola: creditorPix(
      { pixKey: row.pixKey, name: row.pixName, city: row.pixCity },
      row.receivables.reduce((sum, r) => sum + r.openCents, 0),
      `RG${debtorId}P`,
    ),
    linhaDigitavel: null,
  };
}
