import { existsSync, readFileSync } from 'node:fs';
import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import { type ChargeComponent, type ChargeTables, calculateCharges } from './charges.ts';
import { parseMonthlyRatesCsv } from './ipca.ts';
import { debtorTxid, parsePixKey, pixQrSvg, staticPix } from './pix.ts';

export type CollectionTerms = {
  multaPercent: string;
  jurosMonthlyPercent: string | null;
  correction: 'none' | 'ipca';
  multaCapPercentForCompanies: string;
  pixKey: string | null;
  pixMerchantName: string | null;
  pixCity: string | null;
};

const PERCENT = /^\d{1,3}(\.\d{1,4})?$/;
const percent = (name: string, value: string) => {
  const text = value.trim().replace(',', '.');
  if (!PERCENT.test(text) || Number(text) > 100)
    throw badRequest(`${name} must be a percentage such as 2 or 0.033`);
  return text;
};

const TERMS_COLUMNS = `multa_percent as "multaPercent", juros_monthly_percent as "jurosMonthlyPercent", correction,
  multa_cap_percent_companies as "multaCapPercentForCompanies", pix_key as "pixKey",
  pix_merchant_name as "pixMerchantName", pix_city as "pixCity"`;

export async function getTerms(db: Database, scope: Scope, creditorId: number): Promise<CollectionTerms> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const [row] = await withTenant(db, scope.orgId, (tx) =>
    tx.query<CollectionTerms>(`select ${TERMS_COLUMNS} from creditors where org_id = $1 and id = $2`, [
      scope.orgId,
      creditorId,
    ]),
  );
  if (!row) throw notFound(`creditor ${creditorId}`);
  return row;
}

/** A creditor's collection terms; the consumer multa cap (2%, CDC art. 52 §1) is applied when charging. */
export async function setTerms(
  db: Database,
  scope: Scope,
  creditorId: number,
  input: CollectionTerms,
): Promise<CollectionTerms> {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const terms: CollectionTerms = {
    multaPercent: percent('multaPercent', input.multaPercent),
    jurosMonthlyPercent:
      input.jurosMonthlyPercent === null ? null : percent('jurosMonthlyPercent', input.jurosMonthlyPercent),
    correction: input.correction === 'ipca' ? 'ipca' : 'none',
    multaCapPercentForCompanies: percent('multaCapPercentForCompanies', input.multaCapPercentForCompanies),
    pixKey: null,
    pixMerchantName: input.pixMerchantName?.trim() || null,
    pixCity: input.pixCity?.trim() || null,
  };
  if (input.pixKey?.trim()) {
    const key = parsePixKey(input.pixKey);
    if (!key.ok) throw badRequest(`pixKey is not a valid Pix key: ${key.error}`);
    terms.pixKey = key.key.value;
  }
  return withTenant(db, scope.orgId, async (tx) => {
    const [before] = await tx.query<CollectionTerms>(
      `select ${TERMS_COLUMNS} from creditors where org_id = $1 and id = $2 for update`,
      [scope.orgId, creditorId],
    );
    if (!before) throw notFound(`creditor ${creditorId}`);
    await tx.query(
      `update creditors set multa_percent = $3, juros_monthly_percent = $4, correction = $5, multa_cap_percent_companies = $6,
              pix_key = $7, pix_merchant_name = $8, pix_city = $9, updated_at = now()
        where org_id = $1 and id = $2`,
      [
        scope.orgId,
        creditorId,
        terms.multaPercent,
        terms.jurosMonthlyPercent,
        terms.correction,
        terms.multaCapPercentForCompanies,
        terms.pixKey,
        terms.pixMerchantName,
        terms.pixCity,
      ],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'settings.collection_terms',
      entity: 'creditor',
      entityId: creditorId,
      before,
      after: terms,
    });
    return terms;
  });
}

let tables: ChargeTables | null = null;

/**
 * The rate tables: IPCA and the taxa legal, from the CSV files named by REGUA_IPCA_FILE and
 * REGUA_TAXA_LEGAL_FILE (format in src/payments/ipca.ts). Without them, terms that need them answer
 * with an explanation instead of a number.
 */
export function rateTables(env: NodeJS.ProcessEnv = process.env): ChargeTables {
  if (tables) return tables;
  const load = (path: string | undefined) => {
    if (!path || !existsSync(path)) return undefined;
    const parsed = parseMonthlyRatesCsv(readFileSync(path, 'utf8'));
    return parsed.ok ? parsed.rates : undefined;
  };
  tables = { ipca: load(env.REGUA_IPCA_FILE), taxaLegal: load(env.REGUA_TAXA_LEGAL_FILE) };
  return tables;
}

export type DebtorCharges = {
  asOf: CalendarDate;
  totalCents: number;
  receivables: Array<{
    receivableId: number;
    externalId: string;
    dueDate: CalendarDate;
    openCents: number;
    totalCents: number;
    components: Array<Pick<ChargeComponent, 'kind' | 'cents' | 'explanation'>>;
  }>;
  pix: { copiaECola: string; qrSvg: string } | null;
  error: string | null;
};

/**
 * What a debtor owes as of a date, receivable by receivable, each figure explained in pt-BR, with the
 * Pix to pay it when the creditor has a Pix key. The same function feeds the debtor page and, later,
 * the portal.
 */
export async function debtorCharges(
  db: Database,
  scope: Scope,
  debtorId: number,
  asOfInput?: CalendarDate,
  options: { withPix?: boolean } = {},
): Promise<DebtorCharges> {
  const asOf = asOfInput ?? todayIn(scope.timeZone);
  const rows = await withTenant(db, scope.orgId, (tx) =>
    tx.query<{
      receivableId: number;
      externalId: string;
      dueDate: string;
      openCents: number;
      kind: 'person' | 'company';
      terms: CollectionTerms;
      creditorName: string;
      creditorCity: string | null;
    }>(
      `/* prepared:debtor_charges */ select r.id as "receivableId", coalesce(r.document_number, r.external_id) as "externalId", r.due_date as "dueDate",
              r.open_cents as "openCents", d.kind,
              jsonb_build_object('multaPercent', c.multa_percent, 'jurosMonthlyPercent', c.juros_monthly_percent,
                'correction', c.correction, 'multaCapPercentForCompanies', c.multa_cap_percent_companies,
                'pixKey', c.pix_key, 'pixMerchantName', c.pix_merchant_name, 'pixCity', c.pix_city) as terms,
              coalesce(c.trade_name, c.legal_name) as "creditorName", c.city as "creditorCity"
         from debtors d
         join creditors c on c.org_id = d.org_id and c.id = d.creditor_id
         left join receivables r on r.org_id = d.org_id and r.debtor_id = d.id and r.status in ('open', 'partially_paid') and r.open_cents > 0
        where d.org_id = $1 and d.id = $2 and ($3::bigint[] is null or d.creditor_id = any($3))
        order by r.due_date, r.id`,
      [scope.orgId, debtorId, scope.creditorIds],
    ),
  );
  const first = rows[0];
  if (!first) throw notFound(`debtor ${debtorId}`);
  const result: DebtorCharges = { asOf, totalCents: 0, receivables: [], pix: null, error: null };
  for (const row of rows) {
    if (row.receivableId === null) continue;
    const charge = calculateCharges(
      { principalCents: row.openCents, dueDate: row.dueDate, asOf, debtorKind: row.kind, terms: row.terms },
      rateTables(),
    );
    if (!charge.ok) {
      result.error = charge.error.message;
      return { ...result, totalCents: 0, receivables: [] };
    }
    result.totalCents += charge.totalCents;
    result.receivables.push({
      receivableId: row.receivableId,
      externalId: row.externalId,
      dueDate: row.dueDate,
      openCents: row.openCents,
      totalCents: charge.totalCents,
      components: charge.components.map(({ kind, cents, explanation }) => ({ kind, cents, explanation })),
    });
  }
  const terms = first.terms;
  if (options.withPix !== false && terms.pixKey && result.totalCents > 0) {
    const copiaECola = staticPix({
      key: terms.pixKey,
      name: terms.pixMerchantName ?? first.creditorName,
      city: terms.pixCity ?? first.creditorCity ?? 'SAO PAULO',
      amountCents: result.totalCents,
      txid: debtorTxid(debtorId, asOf),
    });
    result.pix = { copiaECola, qrSvg: await pixQrSvg(copiaECola) };
  }
  return result;
}
