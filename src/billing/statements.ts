/**
 * BPO billing, the data part: a creditor's fee terms (versioned by month), the issuer's identification,
 * and the monthly fee statement (fatura de honorários), previewed for any month and issued once a month
 * has closed. docs/BILLING.md defines every figure.
 */
import type { Scope } from '../access/scope.ts';
import { canSeeCreditor } from '../access/scope.ts';
import { appendAudit } from '../audit/log.ts';
import type { Database, SqlExecutor } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { type CalendarDate, todayIn } from '../shared/dates.ts';
import { parseTaxId } from '../shared/documents.ts';
import type { Cents } from '../shared/money.ts';
import { badRequest, conflict, notFound } from '../shared/problem.ts';
import {
  computeFees,
  type FeeTerms,
  type FeeTier,
  isMonth,
  type Month,
  monthEnd,
  monthOf,
  monthStart,
  monthState,
  rateFor,
  validateFeeTerms,
} from './fees.ts';

/** The terms that apply to a month: a version, or (before any version) the creditor's registration. */
export type AppliedTerms = FeeTerms & {
  source: 'version' | 'creditor';
  versionId: number | null;
  effectiveMonth: Month | null;
};

export type FeeTermsVersion = FeeTerms & {
  id: number;
  effectiveMonth: Month;
  createdBy: string;
  createdAt: string;
};

export type CreditorFeeTerms = {
  creditorId: number;
  /** The terms of the current month (in the organization's time zone). */
  current: AppliedTerms;
  currentMonth: Month;
  /** Every version, newest effective month first. */
  versions: FeeTermsVersion[];
  /** The last month with an issued statement: new terms may take effect only after it. */
  lastIssuedMonth: Month | null;
};

export type FeeTermsInput = FeeTerms & { effectiveMonth: Month };

export type Issuer = { legalName: string; cnpj: string; address: string | null };

export type StatementLine = {
  lineNo: number;
  paymentId: number;
  receivableId: number;
  receivable: string;
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  paidOn: CalendarDate;
  /** The due date days late count from: the receivable's, or an agreement installment's oldest original's. */
  lateSince: CalendarDate;
  agreementId: number | null;
  daysLate: number;
  cents: Cents;
  basisPoints: number;
  /** Which rate: 'taxa única' or the tier, e.g. '31 a 90 dias'. */
  rateLabel: string;
  /** cents × rate before rounding, e.g. '1666.6500'. */
  feeExact: string;
  feeCents: Cents;
  /** Paid in an earlier month already issued, allocated only after that statement: charged here. */
  carriedOver: boolean;
};

export type StatementState = 'issued' | 'closed' | 'open' | 'future';

export type FeeStatement = {
  creditor: { id: number; legalName: string; tradeName: string | null; cnpj: string };
  /** Who bills: the BPO (null until it is set). */
  issuer: Issuer | null;
  month: Month;
  period: { from: CalendarDate; to: CalendarDate };
  state: StatementState;
  /** True while the month is not closed: the figures may still change. */
  partial: boolean;
  /** pt-BR, for people: what this document is and is not. */
  note: string;
  number: number | null;
  issuedAt: string | null;
  issuedBy: string | null;
  /** The terms of the month (its monthly fee); lines carried over from earlier months use their month's. */
  terms: AppliedTerms;
  monthlyFeeCents: Cents;
  recoveredCents: Cents;
  successFeeExact: string;
  successFeeCents: Cents;
  totalCents: Cents;
  lines: StatementLine[];
};

export type StatementSummary = Omit<FeeStatement, 'lines' | 'issuer' | 'terms' | 'note'> & {
  lineCount: number;
};

export const PARTIAL_NOTE = 'Período em andamento — prévia, sujeita a alteração.';
const FUTURE_NOTE = 'Período ainda não iniciado — nada a faturar.';
const CLOSED_NOTE = 'Período encerrado — prévia da fatura, ainda não emitida.';
const ISSUED_NOTE = 'Fatura emitida: imutável.';

const BILLING_LOCK_CLASS = 7_324_611;

function requireMonth(month: string): Month {
  if (!isMonth(month)) throw badRequest(`"${month}" is not a month (use YYYY-MM)`);
  return month;
}

function requireCreditor(scope: Scope, creditorId: number): void {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
}

const brMonth = (month: Month) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

type VersionRow = {
  id: number;
  effectiveFrom: string;
  monthlyFeeCents: number;
  successFeeBasisPoints: number | null;
  tiers: FeeTier[];
  createdBy: string;
  createdAt: Date;
};

async function versionsOf(tx: SqlExecutor, orgId: number, creditorId: number): Promise<VersionRow[]> {
  return tx.query<VersionRow>(
    `select id, effective_from::text as "effectiveFrom", monthly_fee_cents as "monthlyFeeCents",
            success_fee_basis_points as "successFeeBasisPoints", tiers, created_by as "createdBy", created_at as "createdAt"
       from fee_terms where org_id = $1 and creditor_id = $2 order by effective_from desc, id desc`,
    [orgId, creditorId],
  );
}

type CreditorRow = {
  id: number;
  legalName: string;
  tradeName: string | null;
  cnpj: string;
  monthlyFeeCents: number;
  successFeeBasisPoints: number;
};

async function creditorOf(tx: SqlExecutor, orgId: number, creditorId: number): Promise<CreditorRow> {
  const [row] = await tx.query<CreditorRow>(
    `select id, legal_name as "legalName", trade_name as "tradeName", cnpj, monthly_fee_cents as "monthlyFeeCents",
            success_fee_basis_points as "successFeeBasisPoints"
       from creditors where org_id = $1 and id = $2`,
    [orgId, creditorId],
  );
  if (!row) throw notFound(`creditor ${creditorId}`);
  return row;
}

/** The version in force in `month`: the latest one effective by then; else the creditor's registration. */
export function termsForMonth(
  versions: ReadonlyArray<VersionRow>,
  creditor: Pick<CreditorRow, 'monthlyFeeCents' | 'successFeeBasisPoints'>,
  month: Month,
): AppliedTerms {
  const start = monthStart(month);
  const version = versions
    .filter((v) => v.effectiveFrom <= start)
    .sort((a, b) =>
      a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : b.id - a.id,
    )[0];
  if (!version)
    return {
      source: 'creditor',
      versionId: null,
      effectiveMonth: null,
      monthlyFeeCents: creditor.monthlyFeeCents,
      successFeeBasisPoints: creditor.successFeeBasisPoints,
      tiers: [],
    };
  return {
    source: 'version',
    versionId: version.id,
    effectiveMonth: monthOf(version.effectiveFrom),
    monthlyFeeCents: version.monthlyFeeCents,
    successFeeBasisPoints: version.tiers.length > 0 ? null : version.successFeeBasisPoints,
    tiers: version.tiers,
  };
}

async function lastIssuedMonth(tx: SqlExecutor, orgId: number, creditorId: number): Promise<Month | null> {
  const [row] = await tx.query<{ month: string | null }>(
    'select max(month)::text as month from fee_statements where org_id = $1 and creditor_id = $2',
    [orgId, creditorId],
  );
  return row?.month ? monthOf(row.month) : null;
}

export async function getFeeTerms(
  db: Database,
  scope: Scope,
  creditorId: number,
  options: { now?: Date } = {},
): Promise<CreditorFeeTerms> {
  requireCreditor(scope, creditorId);
  const currentMonth = monthOf(todayIn(scope.timeZone, options.now));
  return withTenant(db, scope.orgId, async (tx) => {
    const creditor = await creditorOf(tx, scope.orgId, creditorId);
    const versions = await versionsOf(tx, scope.orgId, creditorId);
    return {
      creditorId,
      currentMonth,
      current: termsForMonth(versions, creditor, currentMonth),
      versions: versions.map((v) => ({
        id: v.id,
        effectiveMonth: monthOf(v.effectiveFrom),
        monthlyFeeCents: v.monthlyFeeCents,
        successFeeBasisPoints: v.successFeeBasisPoints,
        tiers: v.tiers,
        createdBy: v.createdBy,
        createdAt: v.createdAt.toISOString(),
      })),
      lastIssuedMonth: await lastIssuedMonth(tx, scope.orgId, creditorId),
    };
  });
}

/**
 * Adds a version of the creditor's fee terms, in force from `effectiveMonth` (audited). Refused with
 * every problem when unsound, and when that month or a later one already has an issued statement (an
 * issued statement never changes, so neither do the terms it was computed with).
 */
export async function setFeeTerms(
  db: Database,
  scope: Scope,
  creditorId: number,
  input: FeeTermsInput,
): Promise<CreditorFeeTerms> {
  requireCreditor(scope, creditorId);
  const problems: string[] = [];
  if (typeof input.effectiveMonth !== 'string' || !isMonth(input.effectiveMonth))
    problems.push('Informe o mês de início da vigência (AAAA-MM).');
  const tiers = [...(input.tiers ?? [])].map((t) => ({
    fromDays: t.fromDays,
    toDays: t.toDays ?? null,
    basisPoints: t.basisPoints,
  }));
  const terms: FeeTerms = {
    monthlyFeeCents: input.monthlyFeeCents,
    successFeeBasisPoints: input.successFeeBasisPoints ?? null,
    tiers,
  };
  problems.push(...validateFeeTerms(terms));
  if (problems.length > 0)
    throw badRequest(
      `As condições de honorários não foram salvas: ${problems.length === 1 ? 'há 1 problema' : `há ${problems.length} problemas`}.`,
      { problems },
    );
  await withTenant(db, scope.orgId, async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, $2::int)', [BILLING_LOCK_CLASS, scope.orgId]);
    const creditor = await creditorOf(tx, scope.orgId, creditorId);
    const issued = await lastIssuedMonth(tx, scope.orgId, creditorId);
    if (issued !== null && input.effectiveMonth <= issued)
      throw conflict(
        `Já existe fatura emitida para ${brMonth(issued)}: condições novas só podem valer a partir do mês seguinte.`,
      );
    const before = termsForMonth(
      await versionsOf(tx, scope.orgId, creditorId),
      creditor,
      input.effectiveMonth,
    );
    const [row] = await tx.query<{ id: number }>(
      `insert into fee_terms (org_id, creditor_id, effective_from, monthly_fee_cents, success_fee_basis_points, tiers, created_by)
       values ($1, $2, $3, $4, $5, $6, $7) returning id`,
      [
        scope.orgId,
        creditorId,
        monthStart(input.effectiveMonth),
        terms.monthlyFeeCents,
        terms.successFeeBasisPoints,
        JSON.stringify(terms.tiers),
        scope.actor,
      ],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'billing.fee_terms',
      entity: 'creditor',
      entityId: creditorId,
      before,
      after: { versionId: row?.id, effectiveMonth: input.effectiveMonth, ...terms },
    });
  });
  return getFeeTerms(db, scope, creditorId);
}

export async function getIssuer(db: Database, scope: Scope): Promise<Issuer | null> {
  return withTenant(db, scope.orgId, (tx) => issuerOf(tx, scope.orgId));
}

async function issuerOf(tx: SqlExecutor, orgId: number): Promise<Issuer | null> {
  const [row] = await tx.query<Issuer>(
    `select legal_name as "legalName", cnpj, address from billing_profiles where org_id = $1`,
    [orgId],
  );
  return row ?? null;
}

/** The BPO's identification on its statements (audited). */
export async function setIssuer(db: Database, scope: Scope, input: Issuer): Promise<Issuer> {
  const problems: string[] = [];
  const legalName = input.legalName?.trim() ?? '';
  if (legalName === '') problems.push('Informe a razão social do emissor.');
  const parsed = parseTaxId(input.cnpj ?? '');
  if (!parsed.ok || parsed.taxId.kind !== 'company') problems.push('CNPJ do emissor inválido.');
  if (problems.length > 0 || !parsed.ok)
    throw badRequest('Os dados do emissor não foram salvos.', { problems });
  const issuer: Issuer = { legalName, cnpj: parsed.taxId.value, address: input.address?.trim() || null };
  return withTenant(db, scope.orgId, async (tx) => {
    const before = await issuerOf(tx, scope.orgId);
    await tx.query(
      `insert into billing_profiles (org_id, legal_name, cnpj, address) values ($1, $2, $3, $4)
       on conflict (org_id) do update set legal_name = excluded.legal_name, cnpj = excluded.cnpj,
              address = excluded.address, updated_at = now()`,
      [scope.orgId, issuer.legalName, issuer.cnpj, issuer.address],
    );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'billing.issuer',
      entity: 'organization',
      entityId: scope.orgId,
      before,
      after: issuer,
    });
    return issuer;
  });
}

type RecoveryRow = {
  paymentId: number;
  receivableId: number;
  receivable: string;
  debtorId: number;
  debtorName: string;
  debtorDocument: string;
  paidOn: string;
  lateSince: string;
  agreementId: number | null;
  daysLate: number;
  cents: number;
};

/**
 * The recoveries a month's statement is computed from (docs/BILLING.md, "Recovered amount"): the
 * payment allocations to the creditor's receivables, paid in the month (or paid in an earlier month
 * whose statement was issued before they were allocated), past due on the payment date (an agreement
 * installment counts from its oldest original's due date), and not in any issued statement.
 */
export const RECOVERIES_SQL = `
  select a.payment_id as "paymentId", a.receivable_id as "receivableId",
         coalesce(r.document_number, r.external_id) as receivable,
         r.debtor_id as "debtorId", d.name as "debtorName", d.document as "debtorDocument",
         p.paid_on::text as "paidOn", least(r.due_date, g.due)::text as "lateSince", g.agreement_id as "agreementId",
         (p.paid_on - least(r.due_date, g.due))::int as "daysLate", a.cents
    from payments p
    join payment_allocations a on a.org_id = p.org_id and a.payment_id = p.id
    join receivables r on r.org_id = a.org_id and r.id = a.receivable_id
    join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
    left join lateral (
      select ai.agreement_id, min(ro.due_date) as due
        from agreement_installments ai
        join agreement_originals ao on ao.org_id = ai.org_id and ao.agreement_id = ai.agreement_id
        join receivables ro on ro.org_id = ao.org_id and ro.id = ao.receivable_id
       where ai.org_id = a.org_id and ai.receivable_id = a.receivable_id
       group by ai.agreement_id) g on true
   where p.org_id = $1 and r.creditor_id = $2
     and p.paid_on <= $4::date
     and (p.paid_on >= $3::date
          or exists (select 1 from fee_statements s
                      where s.org_id = p.org_id and s.creditor_id = r.creditor_id
                        and s.month = date_trunc('month', p.paid_on)::date))
     and p.paid_on > least(r.due_date, g.due)
     and not exists (select 1 from fee_statement_lines l
                      where l.org_id = a.org_id and l.payment_id = a.payment_id and l.receivable_id = a.receivable_id)
   order by p.paid_on, a.payment_id, a.receivable_id`;

function rateLabel(terms: FeeTerms, daysLate: number): string {
  const { tier } = rateFor(terms, daysLate);
  if (!tier) return 'taxa única';
  return tier.toDays === null ? `${tier.fromDays} dias ou mais` : `${tier.fromDays} a ${tier.toDays} dias`;
}

/** Builds the lines and totals from the recoveries and the terms of each month (pure). */
export function buildLines(
  rows: ReadonlyArray<RecoveryRow>,
  month: Month,
  termsOf: (month: Month) => AppliedTerms,
): { lines: StatementLine[]; recoveredCents: Cents; successFeeExact: string; successFeeCents: Cents } {
  const rated = rows.map((r) => {
    const terms = termsOf(monthOf(r.paidOn));
    return { row: r, terms, basisPoints: rateFor(terms, r.daysLate).basisPoints };
  });
  const fees = computeFees(rated.map((x) => ({ cents: x.row.cents, basisPoints: x.basisPoints })));
  const lines = rated.map((x, index): StatementLine => {
    const fee = fees.lines[index];
    return {
      lineNo: index + 1,
      ...x.row,
      basisPoints: x.basisPoints,
      rateLabel: rateLabel(x.terms, x.row.daysLate),
      feeExact: fee?.exact ?? '0.0000',
      feeCents: fee?.feeCents ?? 0,
      carriedOver: monthOf(x.row.paidOn) < month,
    };
  });
  return {
    lines,
    recoveredCents: fees.recoveredCents,
    successFeeExact: fees.exactTotal,
    successFeeCents: fees.successFeeCents,
  };
}

async function previewIn(
  tx: SqlExecutor,
  scope: Scope,
  creditor: CreditorRow,
  month: Month,
  today: CalendarDate,
): Promise<FeeStatement> {
  const versions = await versionsOf(tx, scope.orgId, creditor.id);
  const termsOf = (m: Month) => termsForMonth(versions, creditor, m);
  const state = monthState(month, today);
  const rows =
    state === 'future'
      ? []
      : await tx.query<RecoveryRow>(RECOVERIES_SQL, [
          scope.orgId,
          creditor.id,
          monthStart(month),
          monthEnd(month),
        ]);
  const built = buildLines(rows, month, termsOf);
  const terms = termsOf(month);
  return {
    creditor: {
      id: creditor.id,
      legalName: creditor.legalName,
      tradeName: creditor.tradeName,
      cnpj: creditor.cnpj,
    },
    issuer: await issuerOf(tx, scope.orgId),
    month,
    period: { from: monthStart(month), to: monthEnd(month) },
    state,
    partial: state !== 'closed',
    note: state === 'open' ? PARTIAL_NOTE : state === 'future' ? FUTURE_NOTE : CLOSED_NOTE,
    number: null,
    issuedAt: null,
    issuedBy: null,
    terms,
    monthlyFeeCents: state === 'future' ? 0 : terms.monthlyFeeCents,
    recoveredCents: built.recoveredCents,
    successFeeExact: built.successFeeExact,
    successFeeCents: built.successFeeCents,
    totalCents: (state === 'future' ? 0 : terms.monthlyFeeCents) + built.successFeeCents,
    lines: built.lines,
  };
}

type IssuedRow = {
  id: number;
  number: number;
  monthlyFeeCents: number;
  recoveredCents: number;
  successFeeCents: number;
  totalCents: number;
  lineCount: number;
  terms: { month: AppliedTerms; successFeeExact: string; byMonth: Record<Month, AppliedTerms> };
  issuer: Issuer;
  issuedBy: string;
  issuedAt: Date;
};

async function issuedIn(
  tx: SqlExecutor,
  scope: Scope,
  creditor: CreditorRow,
  month: Month,
): Promise<FeeStatement | null> {
  const [s] = await tx.query<IssuedRow>(
    `select id, number, monthly_fee_cents as "monthlyFeeCents", recovered_cents as "recoveredCents",
            success_fee_cents as "successFeeCents", total_cents as "totalCents", line_count as "lineCount",
            terms, issuer, issued_by as "issuedBy", issued_at as "issuedAt"
       from fee_statements where org_id = $1 and creditor_id = $2 and month = $3`,
    [scope.orgId, creditor.id, monthStart(month)],
  );
  if (!s) return null;
  const rows = await tx.query<Omit<StatementLine, 'rateLabel' | 'carriedOver'>>(
    `select l.line_no as "lineNo", l.payment_id as "paymentId", l.receivable_id as "receivableId",
            coalesce(r.document_number, r.external_id) as receivable, l.debtor_id as "debtorId",
            d.name as "debtorName", d.document as "debtorDocument", l.paid_on::text as "paidOn",
            l.late_since::text as "lateSince", l.agreement_id as "agreementId", l.days_late as "daysLate",
            l.cents, l.basis_points as "basisPoints", l.fee_exact::text as "feeExact", l.fee_cents as "feeCents"
       from fee_statement_lines l
       join receivables r on r.org_id = l.org_id and r.id = l.receivable_id
       join debtors d on d.org_id = l.org_id and d.id = l.debtor_id
      where l.org_id = $1 and l.statement_id = $2
      order by l.line_no`,
    [scope.orgId, s.id],
  );
  return {
    creditor: {
      id: creditor.id,
      legalName: creditor.legalName,
      tradeName: creditor.tradeName,
      cnpj: creditor.cnpj,
    },
    issuer: s.issuer,
    month,
    period: { from: monthStart(month), to: monthEnd(month) },
    state: 'issued',
    partial: false,
    note: ISSUED_NOTE,
    number: s.number,
    issuedAt: s.issuedAt.toISOString(),
    issuedBy: s.issuedBy,
    terms: s.terms.month,
    monthlyFeeCents: s.monthlyFeeCents,
    recoveredCents: s.recoveredCents,
    successFeeExact: s.terms.successFeeExact,
    successFeeCents: s.successFeeCents,
    totalCents: s.totalCents,
    lines: rows.map((l) => {
      const terms = s.terms.byMonth[monthOf(l.paidOn)] ?? s.terms.month;
      return { ...l, rateLabel: rateLabel(terms, l.daysLate), carriedOver: monthOf(l.paidOn) < month };
    }),
  };
}

/**
 * The statement of a creditor and month: the issued one, else a preview computed now (an open month is
 * marked partial; a future one has nothing).
 */
export async function getStatement(
  db: Database,
  scope: Scope,
  creditorId: number,
  monthInput: string,
  options: { now?: Date } = {},
): Promise<FeeStatement> {
  requireCreditor(scope, creditorId);
  const month = requireMonth(monthInput);
  const today = todayIn(scope.timeZone, options.now);
  return withTenant(db, scope.orgId, async (tx) => {
    const creditor = await creditorOf(tx, scope.orgId, creditorId);
    return (await issuedIn(tx, scope, creditor, month)) ?? previewIn(tx, scope, creditor, month, today);
  });
}

/**
 * Issues the statement of a closed month: stored with its lines, numbered (per organization, in order
 * of issue), immutable and audited. Issuing again answers the statement already issued; a payment
 * allocation goes into one statement only (unique key on the lines).
 */
export async function issueStatement(
  db: Database,
  scope: Scope,
  creditorId: number,
  monthInput: string,
  options: { now?: Date } = {},
): Promise<{ statement: FeeStatement; created: boolean }> {
  requireCreditor(scope, creditorId);
  const month = requireMonth(monthInput);
  const today = todayIn(scope.timeZone, options.now);
  return withTenant(db, scope.orgId, async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, $2::int)', [BILLING_LOCK_CLASS, scope.orgId]);
    const creditor = await creditorOf(tx, scope.orgId, creditorId);
    const existing = await issuedIn(tx, scope, creditor, month);
    if (existing) return { statement: existing, created: false };
    const state = monthState(month, today);
    if (state !== 'closed')
      throw conflict(
        `O período ${brMonth(month)} ainda não terminou (hoje é ${today.split('-').reverse().join('/')}): a fatura só pode ser emitida depois do último dia do mês.`,
      );
    const preview = await previewIn(tx, scope, creditor, month, today);
    if (!preview.issuer)
      throw conflict(
        'Informe os dados do emissor (razão social e CNPJ da assessoria) na página Faturamento antes de emitir faturas.',
      );
    const versions = await versionsOf(tx, scope.orgId, creditor.id);
    const byMonth: Record<Month, AppliedTerms> = {};
    for (const line of preview.lines)
      byMonth[monthOf(line.paidOn)] ??= termsForMonth(versions, creditor, monthOf(line.paidOn));
    const [{ number } = { number: 1 }] = await tx.query<{ number: number }>(
      'select coalesce(max(number), 0) + 1 as number from fee_statements where org_id = $1',
      [scope.orgId],
    );
    const [created] = await tx.query<{ id: number }>(
      `insert into fee_statements (org_id, creditor_id, month, number, monthly_fee_cents, recovered_cents, success_fee_cents,
              total_cents, line_count, terms, issuer, issued_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (org_id, creditor_id, month) do nothing returning id`,
      [
        scope.orgId,
        creditor.id,
        monthStart(month),
        number,
        preview.monthlyFeeCents,
        preview.recoveredCents,
        preview.successFeeCents,
        preview.totalCents,
        preview.lines.length,
        JSON.stringify({ month: preview.terms, successFeeExact: preview.successFeeExact, byMonth }),
        JSON.stringify(preview.issuer),
        scope.actor,
      ],
    );
    if (!created) throw conflict(`A fatura de ${brMonth(month)} foi emitida ao mesmo tempo; recarregue.`);
    if (preview.lines.length > 0)
      await tx.query(
        `insert into fee_statement_lines (org_id, statement_id, line_no, payment_id, receivable_id, debtor_id, paid_on,
                late_since, agreement_id, cents, days_late, basis_points, fee_exact, fee_cents)
         select $1, $2, l."lineNo", l."paymentId", l."receivableId", l."debtorId", l."paidOn", l."lateSince",
                l."agreementId", l.cents, l."daysLate", l."basisPoints", l."feeExact", l."feeCents"
           from jsonb_to_recordset($3::jsonb) as l("lineNo" int, "paymentId" bigint, "receivableId" bigint,
                "debtorId" bigint, "paidOn" date, "lateSince" date, "agreementId" bigint, cents bigint,
                "daysLate" int, "basisPoints" int, "feeExact" numeric, "feeCents" bigint)`,
        [
          scope.orgId,
          created.id,
          JSON.stringify(
            preview.lines.map((l) => ({
              lineNo: l.lineNo,
              paymentId: l.paymentId,
              receivableId: l.receivableId,
              debtorId: l.debtorId,
              paidOn: l.paidOn,
              lateSince: l.lateSince,
              agreementId: l.agreementId,
              cents: l.cents,
              daysLate: l.daysLate,
              basisPoints: l.basisPoints,
              feeExact: l.feeExact,
              feeCents: l.feeCents,
            })),
          ),
        ],
      );
    await appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'billing.statement_issued',
      entity: 'fee_statement',
      entityId: created.id,
      after: {
        creditorId: creditor.id,
        month,
        number,
        monthlyFeeCents: preview.monthlyFeeCents,
        recoveredCents: preview.recoveredCents,
        successFeeCents: preview.successFeeCents,
        totalCents: preview.totalCents,
        lines: preview.lines.length,
      },
    });
    const issued = await issuedIn(tx, scope, creditor, month);
    if (!issued) throw new Error('issued statement not found after insert');
    return { statement: issued, created: true };
  });
}

/** Records a download of a statement (its lines name debtors): who, which creditor and month, which format. */
export async function auditStatementDownload(
  db: Database,
  scope: Scope,
  statement: FeeStatement,
  format: 'pdf' | 'csv',
): Promise<void> {
  await withTenant(db, scope.orgId, (tx) =>
    appendAudit(tx, {
      orgId: scope.orgId,
      actor: scope.actor,
      action: 'export.fee_statement',
      entity: 'creditor',
      entityId: statement.creditor.id,
      after: {
        month: statement.month,
        state: statement.state,
        number: statement.number,
        format,
        lines: statement.lines.length,
      },
    }),
  );
}

/** The issued statements of a creditor, newest month first. */
export async function listIssued(
  db: Database,
  scope: Scope,
  creditorId: number,
): Promise<StatementSummary[]> {
  requireCreditor(scope, creditorId);
  return withTenant(db, scope.orgId, async (tx) => {
    const creditor = await creditorOf(tx, scope.orgId, creditorId);
    const rows = await tx.query<IssuedRow & { month: string }>(
      `select id, month::text as month, number, monthly_fee_cents as "monthlyFeeCents", recovered_cents as "recoveredCents",
              success_fee_cents as "successFeeCents", total_cents as "totalCents", line_count as "lineCount",
              terms, issued_by as "issuedBy", issued_at as "issuedAt"
         from fee_statements where org_id = $1 and creditor_id = $2 order by month desc`,
      [scope.orgId, creditorId],
    );
    return rows.map((s) => summaryOfIssued(creditor, s));
  });
}

function summaryOfIssued(creditor: CreditorRow, s: IssuedRow & { month: string }): StatementSummary {
  const month = monthOf(s.month);
  return {
    creditor: {
      id: creditor.id,
      legalName: creditor.legalName,
      tradeName: creditor.tradeName,
      cnpj: creditor.cnpj,
    },
    month,
    period: { from: monthStart(month), to: monthEnd(month) },
    state: 'issued',
    partial: false,
    number: s.number,
    issuedAt: s.issuedAt.toISOString(),
    issuedBy: s.issuedBy,
    monthlyFeeCents: s.monthlyFeeCents,
    recoveredCents: s.recoveredCents,
    successFeeExact: s.terms.successFeeExact,
    successFeeCents: s.successFeeCents,
    totalCents: s.totalCents,
    lineCount: s.lineCount,
  };
}

/**
 * A month across the creditors the scope sees: each one's issued statement, or its preview. The
 * Faturamento page's table.
 */
export async function listMonth(
  db: Database,
  scope: Scope,
  monthInput: string,
  options: { now?: Date } = {},
): Promise<{
  month: Month;
  state: Exclude<StatementState, 'issued'>;
  note: string | null;
  items: StatementSummary[];
}> {
  const month = requireMonth(monthInput);
  const today = todayIn(scope.timeZone, options.now);
  return withTenant(db, scope.orgId, async (tx) => {
    const creditors = await tx.query<CreditorRow>(
      `select id, legal_name as "legalName", trade_name as "tradeName", cnpj, monthly_fee_cents as "monthlyFeeCents",
              success_fee_basis_points as "successFeeBasisPoints"
         from creditors where org_id = $1 and ($2::bigint[] is null or id = any($2::bigint[])) order by legal_name`,
      [scope.orgId, scope.creditorIds],
    );
    const items: StatementSummary[] = [];
    for (const creditor of creditors) {
      const statement =
        (await issuedIn(tx, scope, creditor, month)) ?? (await previewIn(tx, scope, creditor, month, today));
      const { lines, issuer: _i, terms: _t, note: _n, ...summary } = statement;
      items.push({ ...summary, lineCount: lines.length });
    }
    const state = monthState(month, today);
    return {
      month,
      state,
      note: state === 'open' ? PARTIAL_NOTE : state === 'future' ? FUTURE_NOTE : null,
      items,
    };
  });
}
