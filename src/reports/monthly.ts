/**
 * The monthly report of one creditor (relatório mensal): its portfolio at the month's end, the money
 * recovered, the KPIs of the month against the month before, what the régua did and the agreements.
 * Every figure comes from stored facts: the KPIs from `computeKpis` (src/kpis, docs/KPIS.md), the rest
 * from the statements of monthly.sql.ts, all as tenant work under the caller's Scope. A month not yet
 * over is reported up to today and says so; a future month is refused; a month with nothing in it
 * gives zeros and "sem dados".
 */
import { canSeeCreditor, type Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { AGING_BUCKETS, type AgingBucket, type Ratio } from '../kpis/formulas.ts';
import { computeKpis, type KpiReport } from '../kpis/kpis.ts';
import { addDays, addMonths, type CalendarDate, todayIn } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import { badRequest, notFound } from '../shared/problem.ts';
import { brDate, monthLabel } from './format.ts';
import {
  agreementsSql,
  callsSql,
  firstDaySql,
  messagesSql,
  promisesMadeSql,
  recoveredSql,
} from './monthly.sql.ts';

/** At most this many of the month's agreements are listed (the figures count them all). */
export const AGREEMENT_LIST_LIMIT = 1000;
/** The months the report list offers, at most (the latest ones). */
export const MONTHS_LISTED = 36;

export type ReportStatus = 'closed' | 'partial';

export type MonthlyReportRequest = { creditorId: number; month: string };
export type MonthlyReportOptions = { now?: Date };

export type BucketRow = {
  bucket: AgingBucket;
  cents: Cents;
  count: number;
  share: Ratio;
  previousCents: Cents;
  previousCount: number;
};

/** A KPI of the month beside the month before. */
export type KpiRow = {
  key: string;
  label: string;
  unit: 'days' | 'ratio' | 'percent' | 'cents' | 'count';
  value: number | null;
  previous: number | null;
};

export type ChannelRow = {
  channel: string;
  attempted: number;
  delivered: number;
  replied: number;
  contactRate: Ratio;
  responseRate: Ratio;
  previousContactRate: Ratio;
  previousResponseRate: Ratio;
};

export type MessageRow = {
  channel: string;
  purpose: string;
  status: string;
  count: number;
  costCents: Cents;
};

export type AgreementRow = {
  id: number;
  debtorName: string;
  madeOn: CalendarDate;
  offerKey: string;
  installments: number;
  updatedCents: Cents;
  discountCents: Cents;
  totalCents: Cents;
  /** As it stands now. */
  status: 'active' | 'completed' | 'broken' | 'cancelled';
  endedOn: CalendarDate | null;
  endReason: string | null;
  madeInMonth: boolean;
  endedInMonth: boolean;
};

export type MonthlyReport = {
  header: {
    organization: string;
    creditor: { id: number; legalName: string; tradeName: string | null; cnpj: string };
    month: string;
    monthLabel: string;
    from: CalendarDate;
    /** The month's last day. */
    to: CalendarDate;
    /** The last day the figures cover: the month's end, or today while it runs. */
    dataUntil: CalendarDate;
    previousMonth: string;
    generatedAt: string;
    timeZone: string;
    status: ReportStatus;
    /** "Período em andamento: números parciais até dd/mm/aaaa" while the month runs; else null. */
    banner: string | null;
  };
  portfolio: {
    asOf: CalendarDate;
    previousAsOf: CalendarDate;
    totalCents: Cents;
    count: number;
    overdueCents: Cents;
    defaultRate: Ratio;
    previous: { totalCents: Cents; count: number; overdueCents: Cents; defaultRate: Ratio };
    buckets: BucketRow[];
  };
  recovery: {
    /** Money collected in the month on the creditor's receivables (payments and payments the creditor reported). */
    collectedCents: Cents;
    previousCollectedCents: Cents;
    /** Of it, on debt already past due when the month began (the recovery rate's numerator). */
    recoveredCents: Cents;
    overdueAtStartCents: Cents;
    rate: Ratio;
    previousRate: Ratio;
    /** Payments received from the creditor's debtors (charges included), and how many. */
    receivedCents: Cents;
    payments: number;
    byDay: Array<{ day: CalendarDate; cents: Cents }>;
    byWeek: Array<{ from: CalendarDate; to: CalendarDate; cents: Cents }>;
    bySource: Array<{ source: string; cents: Cents; payments: number }>;
    byBucket: Array<{ bucket: AgingBucket; cents: Cents }>;
  };
  kpis: { rows: KpiRow[]; channels: ChannelRow[] };
  actions: {
    messages: MessageRow[];
    byChannel: Array<{
      channel: string;
      total: number;
      attempted: number;
      delivered: number;
      failed: number;
      notSent: number;
      costCents: Cents;
    }>;
    calls: { done: number; open: number; byOutcome: Array<{ outcome: string; count: number }> };
    letters: number;
    priorNotices: number;
    negativacoes: number;
    protests: number;
    promisesMade: number;
    promisedCents: Cents;
    steps: Array<{
      cadenceName: string;
      version: number;
      stepKey: string;
      variantKey: string;
      channel: string;
      contacts: number;
      judged: number;
      converted: number;
      rate: Ratio;
    }>;
  };
  agreements: {
    made: number;
    madeCents: Cents;
    /** Of those made in the month, broken by the last day the report covers (`dataUntil`), as the KPIs count it. */
    madeAndBroken: number;
    brokenRate: Ratio;
    broken: number;
    brokenCents: Cents;
    completed: number;
    completedCents: Cents;
    cancelled: number;
    list: AgreementRow[];
    /** True when the month had more agreements than the list holds. */
    truncated: boolean;
  };
  /** Plain-language notes: "sem dados" sections and the KPIs' caveats. */
  notes: string[];
};

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The first and last day of a 'YYYY-MM' month. */
export function monthBounds(month: string): { from: CalendarDate; to: CalendarDate } {
  const from = `${month}-01`;
  return { from, to: addDays(addMonths(from, 1), -1) };
}

/** Checks a 'YYYY-MM' month against today: 400 in pt-BR for a bad or future month. */
export function checkMonth(month: string, today: CalendarDate): { from: CalendarDate; to: CalendarDate } {
  if (!MONTH.test(month)) throw badRequest(`Mês inválido: "${month}". Use o formato AAAA-MM, como 2026-02.`);
  const bounds = monthBounds(month);
  if (bounds.from > today)
    throw badRequest(`O mês ${monthLabel(month)} ainda não começou: não há relatório de um período futuro.`);
  return bounds;
}

/** Whole weeks of a month from its first day (the last one may be shorter), and what each holds. */
export function weeksOf(
  from: CalendarDate,
  to: CalendarDate,
  byDay: Array<{ day: CalendarDate; cents: Cents }>,
): Array<{ from: CalendarDate; to: CalendarDate; cents: Cents }> {
  const weeks: Array<{ from: CalendarDate; to: CalendarDate; cents: Cents }> = [];
  for (let start = from; start <= to; start = addDays(start, 7)) {
    const end = addDays(start, 6) < to ? addDays(start, 6) : to;
    const cents = byDay.filter((d) => d.day >= start && d.day <= end).reduce((s, d) => s + d.cents, 0);
    weeks.push({ from: start, to: end, cents });
  }
  return weeks;
}

type Creditor = { id: number; legalName: string; tradeName: string | null; cnpj: string };

/** The creditor, if the caller may see it (else 404, whether it exists elsewhere or not). */
async function creditorOf(db: Database, scope: Scope, creditorId: number) {
  if (!canSeeCreditor(scope, creditorId)) throw notFound(`creditor ${creditorId}`);
  const found = await withTenant(db, scope.orgId, async (tx) => {
    const [creditor] = await tx.query<Creditor>(
      `select id, legal_name as "legalName", trade_name as "tradeName", cnpj
         from creditors where org_id = $1 and id = $2`,
      [scope.orgId, creditorId],
    );
    const [org] = await tx.query<{ name: string }>('select name from organizations where id = $1', [
      scope.orgId,
    ]);
    const [first] = await tx.query<{ first: CalendarDate | null }>(firstDaySql, [scope.orgId, creditorId]);
    return creditor ? { creditor, organization: org?.name ?? '', firstDay: first?.first ?? null } : null;
  });
  if (!found) throw notFound(`creditor ${creditorId}`);
  return found;
}

export type ReportMonth = { month: string; label: string; status: ReportStatus; dataUntil: CalendarDate };

/**
 * The months a creditor's report can be asked for, latest first: from the month of its first
 * receivable (billed or due) to the current one, at most MONTHS_LISTED; the current one is partial.
 */
export async function reportMonths(
  db: Database,
  scope: Scope,
  creditorId: number,
  options: MonthlyReportOptions = {},
): Promise<{ creditorId: number; today: CalendarDate; months: ReportMonth[] }> {
  const { firstDay } = await creditorOf(db, scope, creditorId);
  const today = todayIn(scope.timeZone, options.now);
  const current = today.slice(0, 7);
  const first = firstDay && firstDay.slice(0, 7) < current ? firstDay.slice(0, 7) : current;
  const months: ReportMonth[] = [];
  for (
    let m = current;
    m >= first && months.length < MONTHS_LISTED;
    m = addMonths(`${m}-01`, -1).slice(0, 7)
  ) {
    const { to } = monthBounds(m);
    const closed = to < today;
    months.push({
      month: m,
      label: monthLabel(m),
      status: closed ? 'closed' : 'partial',
      dataUntil: closed ? to : today,
    });
  }
  return { creditorId, today, months };
}

type RecoveredRow = {
  day: CalendarDate;
  source: string;
  bucket: AgingBucket;
  cents: Cents;
  payments: number;
  items: number;
};

/** The statements of the month that the KPIs do not cover, in one tenant transaction. */
async function monthFacts(
  db: Database,
  scope: Scope,
  creditorId: number,
  from: CalendarDate,
  to: CalendarDate,
) {
  const params = [scope.orgId, creditorId, from, to, scope.timeZone];
  return withTenant(db, scope.orgId, async (tx) => ({
    recovered: await tx.query<RecoveredRow>(recoveredSql, params),
    messages: await tx.query<MessageRow & { n: number }>(messagesSql, params),
    calls: await tx.query<{ kind: 'done' | 'open'; outcome: string; n: number }>(callsSql, params),
    promises: (await tx.query<{ n: number; cents: Cents }>(promisesMadeSql, params))[0] ?? { n: 0, cents: 0 },
    agreements: await tx.query<AgreementRow>(agreementsSql, [...params, AGREEMENT_LIST_LIMIT + 1]),
  }));
}

const sum = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((s, r) => s + pick(r), 0);

/** The monthly report of one creditor (see the module comment). */
export async function monthlyReport(
  db: Database,
  scope: Scope,
  request: MonthlyReportRequest,
  options: MonthlyReportOptions = {},
): Promise<MonthlyReport> {
  const now = options.now ?? new Date();
  const today = todayIn(scope.timeZone, now);
  const { from, to } = checkMonth(request.month, today);
  const { creditor, organization } = await creditorOf(db, scope, request.creditorId);
  const closed = to < today;
  const dataUntil = closed ? to : today;
  const previousMonth = addMonths(from, -1).slice(0, 7);
  const previous = monthBounds(previousMonth);

  const [kpis, before, facts] = await Promise.all([
    computeKpis(db, scope, { from, to: dataUntil, creditorId: creditor.id }, { now }),
    computeKpis(db, scope, { from: previous.from, to: previous.to, creditorId: creditor.id }, { now }),
    monthFacts(db, scope, creditor.id, from, dataUntil),
  ]);

  const notes: string[] = [];
  const portfolio = portfolioSection(kpis, before);
  if (portfolio.count === 0 && portfolio.previous.count === 0)
    notes.push('Carteira: sem dados — nenhum título em aberto no fim do mês nem no fim do mês anterior.');
  const recovery = recoverySection(kpis, before, facts.recovered, from, dataUntil);
  if (recovery.collectedCents === 0 && recovery.payments === 0)
    notes.push('Recuperação: sem dados — nenhum pagamento no mês.');
  const actions = actionsSection(kpis, facts);
  if (actions.messages.length === 0 && actions.calls.done === 0 && actions.calls.open === 0)
    notes.push('Ações: sem dados — nenhuma mensagem, carta ou ligação no mês.');
  const agreements = agreementsSection(kpis, facts.agreements);
  if (agreements.list.length === 0)
    notes.push('Acordos: sem dados — nenhum acordo firmado ou encerrado no mês.');
  if (agreements.truncated)
    notes.push(`Acordos: a lista mostra os primeiros ${AGREEMENT_LIST_LIMIT}; os totais contam todos.`);
  for (const note of kpis.notes) if (!note.startsWith('O período termina em')) notes.push(note);

  return {
    header: {
      organization,
      creditor,
      month: request.month,
      monthLabel: monthLabel(request.month),
      from,
      to,
      dataUntil,
      previousMonth,
      generatedAt: now.toISOString(),
      timeZone: scope.timeZone,
      status: closed ? 'closed' : 'partial',
      banner: closed ? null : `Período em andamento: números parciais até ${brDate(dataUntil)}`,
    },
    portfolio,
    recovery,
    kpis: kpiSection(kpis, before),
    actions,
    agreements,
    notes,
  };
}

function portfolioSection(kpis: KpiReport, before: KpiReport): MonthlyReport['portfolio'] {
  return {
    asOf: kpis.aging.asOf,
    previousAsOf: before.aging.asOf,
    totalCents: kpis.aging.totalCents,
    count: kpis.aging.count,
    overdueCents: kpis.aging.overdueCents,
    defaultRate: kpis.aging.defaultRate,
    previous: {
      totalCents: before.aging.totalCents,
      count: before.aging.count,
      overdueCents: before.aging.overdueCents,
      defaultRate: before.aging.defaultRate,
    },
    buckets: AGING_BUCKETS.map((bucket) => {
      const now = kpis.aging.buckets.find((b) => b.bucket === bucket);
      const then = before.aging.buckets.find((b) => b.bucket === bucket);
      return {
        bucket,
        cents: now?.cents ?? 0,
        count: now?.count ?? 0,
        share: now?.share ?? null,
        previousCents: then?.cents ?? 0,
        previousCount: then?.count ?? 0,
      };
    }),
  };
}

function recoverySection(
  kpis: KpiReport,
  before: KpiReport,
  rows: RecoveredRow[],
  from: CalendarDate,
  until: CalendarDate,
): MonthlyReport['recovery'] {
  const days = new Map<CalendarDate, Cents>();
  for (let day = from; day <= until; day = addDays(day, 1)) days.set(day, 0);
  const sources = new Map<string, { cents: Cents; payments: number }>();
  for (const row of rows) {
    days.set(row.day, (days.get(row.day) ?? 0) + row.cents);
    const source = sources.get(row.source) ?? { cents: 0, payments: 0 };
    source.cents += row.cents;
    source.payments += row.source === 'import' ? row.items : row.payments;
    sources.set(row.source, source);
  }
  const byDay = [...days].map(([day, cents]) => ({ day, cents }));
  return {
    collectedCents: kpis.recovery.collectedCents,
    previousCollectedCents: before.recovery.collectedCents,
    recoveredCents: kpis.recovery.recoveredCents,
    overdueAtStartCents: kpis.recovery.overdueAtStartCents,
    rate: kpis.recovery.rate,
    previousRate: before.recovery.rate,
    receivedCents: kpis.costPerReceipt.receivedCents,
    payments: kpis.costPerReceipt.payments,
    byDay,
    byWeek: weeksOf(from, until, byDay),
    bySource: [...sources]
      .map(([source, s]) => ({ source, ...s }))
      .sort((a, b) => b.cents - a.cents || a.source.localeCompare(b.source)),
    byBucket: AGING_BUCKETS.map((bucket) => ({
      bucket,
      cents: sum(
        rows.filter((r) => r.bucket === bucket),
        (r) => r.cents,
      ),
    })),
  };
}

function kpiSection(kpis: KpiReport, before: KpiReport): MonthlyReport['kpis'] {
  const row = (
    key: string,
    label: string,
    unit: KpiRow['unit'],
    pick: (r: KpiReport) => number | null,
  ): KpiRow => ({ key, label, unit, value: pick(kpis), previous: pick(before) });
  const channels = [...new Set([...kpis.channels, ...before.channels].map((c) => c.channel))].sort();
  return {
    rows: [
      row('dso', 'DSO (padrão)', 'days', (r) => r.dso.standard),
      row('dsoCountback', 'DSO (countback)', 'days', (r) => r.dso.countback),
      row('cei', 'Índice de eficiência de cobrança (CEI)', 'percent', (r) => r.cei.percent),
      row('recoveryRate', 'Taxa de recuperação', 'ratio', (r) => r.recovery.rate),
      row('defaultRate', 'Inadimplência (saldo vencido / carteira)', 'ratio', (r) => r.aging.defaultRate),
      row('promisesDue', 'Promessas com vencimento no mês', 'count', (r) => r.promises.due),
      row('promiseKeptRate', 'Promessas cumpridas', 'ratio', (r) => r.promises.keptRate),
      row('daysToPayment', 'Dias da promessa ao pagamento', 'days', (r) => r.promises.averageDaysToPayment),
      row('agreementsMade', 'Acordos firmados', 'count', (r) => r.agreements?.made ?? 0),
      row(
        'agreementsBrokenRate',
        'Acordos quebrados (dos firmados)',
        'ratio',
        (r) => r.agreements?.brokenRate ?? null,
      ),
      row('costPerReceipt', 'Custo por recebimento', 'cents', (r) => r.costPerReceipt.perReceiptCents),
      row('costRatio', 'Custo sobre o valor recebido', 'ratio', (r) => r.costPerReceipt.costRatio),
      row('involuntaryChurn', 'Churn involuntário', 'ratio', (r) => r.involuntaryChurn.rate),
    ],
    channels: channels.map((channel) => {
      const now = kpis.channels.find((c) => c.channel === channel);
      const then = before.channels.find((c) => c.channel === channel);
      return {
        channel,
        attempted: now?.attempted ?? 0,
        delivered: now?.delivered ?? 0,
        replied: now?.replied ?? 0,
        contactRate: now?.contactRate ?? null,
        responseRate: now?.responseRate ?? null,
        previousContactRate: then?.contactRate ?? null,
        previousResponseRate: then?.responseRate ?? null,
      };
    }),
  };
}

const ATTEMPTED = ['sent', 'delivered', 'read', 'failed'];
const DELIVERED = ['delivered', 'read'];

function actionsSection(
  kpis: KpiReport,
  facts: Awaited<ReturnType<typeof monthFacts>>,
): MonthlyReport['actions'] {
  const messages = facts.messages.map(({ n, ...m }) => ({ ...m, count: n }));
  const channels = [...new Set(messages.map((m) => m.channel))].sort();
  const count = (pick: (m: MessageRow) => boolean) => sum(messages.filter(pick), (m) => m.count);
  const sent = (m: MessageRow) => ATTEMPTED.includes(m.status) && m.status !== 'failed';
  const done = facts.calls.filter((c) => c.kind === 'done');
  return {
    messages,
    byChannel: channels.map((channel) => {
      const of = messages.filter((m) => m.channel === channel);
      return {
        channel,
        total: sum(of, (m) => m.count),
        attempted: sum(
          of.filter((m) => ATTEMPTED.includes(m.status)),
          (m) => m.count,
        ),
        delivered: sum(
          of.filter((m) => DELIVERED.includes(m.status)),
          (m) => m.count,
        ),
        failed: sum(
          of.filter((m) => m.status === 'failed'),
          (m) => m.count,
        ),
        notSent: sum(
          of.filter((m) => !ATTEMPTED.includes(m.status)),
          (m) => m.count,
        ),
        costCents: sum(of, (m) => m.costCents),
      };
    }),
    calls: {
      done: sum(done, (c) => c.n),
      open: sum(
        facts.calls.filter((c) => c.kind === 'open'),
        (c) => c.n,
      ),
      byOutcome: done.map((c) => ({ outcome: c.outcome, count: c.n })).sort((a, b) => b.count - a.count),
    },
    letters: count((m) => m.channel === 'letter' && sent(m)),
    priorNotices: count((m) => m.channel === 'letter' && m.purpose === 'prior_notice' && sent(m)),
    negativacoes: count((m) => m.channel === 'negativacao' && sent(m)),
    protests: count((m) => m.channel === 'protest' && sent(m)),
    promisesMade: facts.promises.n,
    promisedCents: facts.promises.cents,
    steps: kpis.conversion.steps.map((s) => ({
      cadenceName: s.cadenceName,
      version: s.version,
      stepKey: s.stepKey,
      variantKey: s.variantKey,
      channel: s.channel,
      contacts: s.contacts,
      judged: s.judged,
      converted: s.converted,
      rate: s.rate,
    })),
  };
}

function agreementsSection(kpis: KpiReport, rows: AgreementRow[]): MonthlyReport['agreements'] {
  const list = rows.slice(0, AGREEMENT_LIST_LIMIT);
  const ended = (status: AgreementRow['status']) => list.filter((a) => a.endedInMonth && a.status === status);
  const a = kpis.agreements;
  return {
    made: a?.made ?? 0,
    madeCents: a?.madeCents ?? 0,
    madeAndBroken: a?.madeAndBroken ?? 0,
    brokenRate: a?.brokenRate ?? null,
    broken: a?.brokenInPeriod ?? 0,
    brokenCents: sum(ended('broken'), (x) => x.totalCents),
    completed: a?.completedInPeriod ?? 0,
    completedCents: sum(ended('completed'), (x) => x.totalCents),
    cancelled: a?.cancelledInPeriod ?? 0,
    list,
    truncated: rows.length > AGREEMENT_LIST_LIMIT,
  };
}
