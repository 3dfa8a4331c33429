/**
 * The report of the KPIs, assembled from the facts the statements add up (kpis.sql.ts) by pure
 * functions of those facts and the period: no database here, so every ratio is taken, and rounded,
 * in one place (formulas.ts).
 */
import type { CalendarDate } from '../shared/dates.ts';
import { daysBetween } from '../shared/dates.ts';
import type { Cents } from '../shared/money.ts';
import {
  AGING_BUCKETS,
  type AgingBucket,
  averageDays,
  CHURN_DAYS_PAST_DUE,
  type CollectorCosts,
  centsPer,
  collectionEffectiveness,
  collectorCents,
  countbackDso,
  countbackWindows,
  type Ratio,
  ratio,
  standardDso,
} from './formulas.ts';
import type { KpiScope } from './kpis.sql.ts';

export type BucketFigure = {
  bucket: AgingBucket;
  cents: Cents;
  count: number;
  /** Share of the total open balance. For an overdue bucket this is its default rate. */
  share: Ratio;
};

export type ChannelFigure = {
  channel: string;
  attempted: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  /** delivered / attempted. */
  contactRate: Ratio;
  /** read / delivered, for channels that report reads (WhatsApp); else null. */
  readRate: Ratio;
  /** replied / delivered, for channels that carry answers (WhatsApp, SMS, calls); else null. */
  responseRate: Ratio;
  costCents: Cents;
};

export type ConversionFigure = {
  cadenceId: number;
  cadenceName: string;
  versionId: number;
  version: number;
  stepKey: string;
  variantKey: string;
  channel: string;
  contacts: number;
  /** Contacts whose window closed by the as-of date: only these are judged. */
  judged: number;
  converted: number;
  /** converted / judged. */
  rate: Ratio;
};

export type RollFigure = {
  bucket: AgingBucket;
  /** Balance in the bucket at the first month end. */
  cents: Cents;
  /** At the next month end, the same receivables' balance by bucket. */
  next: Partial<Record<AgingBucket, Cents>>;
  /** Of `cents`, what moved to a later bucket (by the next month end's balance). */
  rolledCents: Cents;
  /** rolledCents / cents; null for `180+`, which has no later bucket. */
  rollRate: Ratio;
};

export type AgreementFigures = {
  /** Agreements made in the period, and their total. */
  made: number;
  madeCents: Cents;
  /** Of those, broken by the as-of date. */
  madeAndBroken: number;
  /** madeAndBroken / made. */
  brokenRate: Ratio;
  /** Agreements that ended in the period, by how. */
  brokenInPeriod: number;
  completedInPeriod: number;
  cancelledInPeriod: number;
};

export type KpiReport = {
  period: {
    from: CalendarDate;
    to: CalendarDate;
    asOf: CalendarDate;
    days: number;
    /** False while the period has not ended: its figures can still change. */
    complete: boolean;
  };
  scope: KpiScope;
  aging: {
    asOf: CalendarDate;
    totalCents: Cents;
    count: number;
    overdueCents: Cents;
    /** overdue / total open balance. */
    defaultRate: Ratio;
    buckets: BucketFigure[];
  };
  dso: {
    receivablesCents: Cents;
    creditSalesCents: Cents;
    days: number;
    standard: number | null;
    countback: number | null;
  };
  cei: {
    beginCents: Cents;
    creditSalesCents: Cents;
    endCents: Cents;
    endCurrentCents: Cents;
    percent: number | null;
  };
  recovery: {
    overdueAtStartCents: Cents;
    recoveredCents: Cents;
    /** Everything collected in the period, overdue or not. */
    collectedCents: Cents;
    rate: Ratio;
  };
  promises: {
    due: number;
    kept: number;
    broken: number;
    pending: number;
    withdrawn: number;
    /** kept / (kept + broken). */
    keptRate: Ratio;
    averageDaysToPayment: number | null;
  };
  channels: ChannelFigure[];
  conversion: { windowDays: number; steps: ConversionFigure[] };
  rollRates: Array<{ from: CalendarDate; to: CalendarDate; buckets: RollFigure[] }>;
  costPerReceipt: {
    messageCents: Cents;
    /** Sent messages without a recorded cost (counted as 0). */
    messagesWithoutCost: number;
    collectorTasks: number;
    collectorCents: Cents;
    totalCents: Cents;
    payments: number;
    receivedCents: Cents;
    perReceiptCents: Cents | null;
    /** Cost / money received. */
    costRatio: Ratio;
    assumptions: CollectorCosts;
  };
  involuntaryChurn: {
    daysPastDue: number;
    activeAtStart: number;
    churned: number;
    rate: Ratio;
  };
  /** null until the agreements tables exist (see notes). */
  agreements: AgreementFigures | null;
  /** Plain-language caveats about this report's figures. */
  notes: string[];
};

/** What the portfolio's two statements add up to (kpis.ts). */
export type PortfolioFacts = {
  /** Balance at cut j of the receivables that existed at cut k, by bucket at k and at j (1-based cut indexes). */
  amounts: Array<{ k: number; j: number; from: AgingBucket; to: AgingBucket; cents: Cents }>;
  /** Credit sales by `bi`: how many cut dates fall before the billing day. */
  sales: Array<{ bi: number; cents: Cents }>;
  counts: Array<{ bucket: AgingBucket; count: number }>;
  recovery: { collected: Cents; recovered: Cents };
  churn: { active: number; churned: number };
};

/** What the activity statement returns. */
export type ActivityFacts = {
  due: number;
  kept: number;
  broken: number;
  pending: number;
  withdrawn: number;
  /** Kept promises whose payment day is known, and the days from promise to payment they add up to. */
  timed: number;
  days: number;
  tasks: number;
  payments: number;
  receivedCents: Cents;
};

/** What the messages statement returns. */
export type MessageFacts = {
  channels: Array<Omit<ChannelFigure, 'contactRate' | 'readRate' | 'responseRate'> & { withoutCost: number }>;
  steps: Array<Omit<ConversionFigure, 'rate'>>;
};

/** What the agreements statement returns. */
export type AgreementFacts = Omit<AgreementFigures, 'brokenRate'>;

/** The facts of a report, with its period and its cut dates. */
export type ReportFacts = {
  scope: KpiScope;
  period: { from: CalendarDate; to: CalendarDate; asOf: CalendarDate; today: CalendarDate };
  conversionDays: number;
  collectorCosts: CollectorCosts;
  /** The cut dates, ascending (formulas.cutDates), and which are the opening and the month ends. */
  cuts: CalendarDate[];
  start: CalendarDate;
  monthEnds: CalendarDate[];
  portfolio: PortfolioFacts;
  activity: ActivityFacts;
  messages: MessageFacts;
  /** null until the agreements tables exist. */
  agreements: AgreementFacts | null;
};

const later = (a: AgingBucket, b: AgingBucket) => AGING_BUCKETS.indexOf(b) > AGING_BUCKETS.indexOf(a);
/** Channels that report reads, and channels that carry answers. */
const READ_CHANNELS = ['whatsapp'];
const REPLY_CHANNELS = ['whatsapp', 'sms', 'phone'];

/** The report: every figure and ratio from the facts. */
export function buildReport(f: ReportFacts): KpiReport {
  const { from, to, asOf, today } = f.period;
  const index = (date: CalendarDate) => f.cuts.indexOf(date) + 1;
  const at = (k: CalendarDate, j: CalendarDate = k) =>
    f.portfolio.amounts.filter((a) => a.k === index(k) && a.j === index(j));
  const total = (k: CalendarDate) => at(k).reduce((sum, a) => sum + a.cents, 0);
  const inBucket = (k: CalendarDate, bucket: AgingBucket) =>
    at(k)
      .filter((a) => a.from === bucket)
      .reduce((sum, a) => sum + a.cents, 0);
  const salesBetween = (after: CalendarDate, upTo: CalendarDate) =>
    f.portfolio.sales
      .filter((x) => x.bi >= index(after) && x.bi < index(upTo))
      .reduce((sum, x) => sum + x.cents, 0);
  const notes: string[] = [];
  if (to >= today)
    notes.push(
      `O período termina em ${to.split('-').reverse().join('/')} e ainda não fechou: os números podem mudar até lá.`,
    );

  const asOfTotal = total(asOf);
  const overdueCents = asOfTotal - inBucket(asOf, 'current');
  const days = daysBetween(f.start, to);
  const endCents = total(to);
  const creditSalesCents = salesBetween(f.start, to);
  const beginCents = total(f.start);
  const endCurrentCents = inBucket(to, 'current');
  const countback = countbackDso(endCents, countbackWindows(to, salesBetween));
  if (countback === null)
    notes.push(
      'O DSO pelo método countback não pôde ser calculado: o saldo em aberto é maior que as vendas a prazo dos 24 meses anteriores.',
    );
  const overdueAtStartCents = beginCents - inBucket(f.start, 'current');

  const channelRows = f.messages.channels;
  const messageCents = channelRows.reduce((sum, ch) => sum + ch.costCents, 0);
  const messagesWithoutCost = channelRows.reduce((sum, ch) => sum + ch.withoutCost, 0);
  if (messagesWithoutCost > 0)
    notes.push(
      `${messagesWithoutCost} mensagens enviadas não têm custo registrado e contam como custo zero.`,
    );
  const collector = collectorCents(f.activity.tasks, f.collectorCosts);
  const totalCents = messageCents + collector;
  if (f.agreements === null) notes.push('Acordos: as tabelas de acordos ainda não existem neste banco.');

  return {
    period: { from, to, asOf, days, complete: to < today },
    scope: f.scope,
    aging: {
      asOf,
      totalCents: asOfTotal,
      count: f.portfolio.counts.reduce((sum, x) => sum + x.count, 0),
      overdueCents,
      defaultRate: ratio(overdueCents, asOfTotal),
      buckets: AGING_BUCKETS.map((bucket) => {
        const cents = inBucket(asOf, bucket);
        return {
          bucket,
          cents,
          count: f.portfolio.counts.find((c) => c.bucket === bucket)?.count ?? 0,
          share: ratio(cents, asOfTotal),
        };
      }),
    },
    dso: {
      receivablesCents: endCents,
      creditSalesCents,
      days,
      standard: standardDso(endCents, creditSalesCents, days),
      countback,
    },
    cei: {
      beginCents,
      creditSalesCents,
      endCents,
      endCurrentCents,
      percent: collectionEffectiveness({ beginCents, creditSalesCents, endCents, endCurrentCents }),
    },
    recovery: {
      overdueAtStartCents,
      recoveredCents: f.portfolio.recovery.recovered,
      collectedCents: f.portfolio.recovery.collected,
      rate: ratio(f.portfolio.recovery.recovered, overdueAtStartCents),
    },
    promises: {
      due: f.activity.due,
      kept: f.activity.kept,
      broken: f.activity.broken,
      pending: f.activity.pending,
      withdrawn: f.activity.withdrawn,
      keptRate: ratio(f.activity.kept, f.activity.kept + f.activity.broken),
      averageDaysToPayment: averageDays(f.activity.days, f.activity.timed),
    },
    channels: channelRows.map(({ withoutCost: _, ...ch }) => ({
      ...ch,
      contactRate: ratio(ch.delivered, ch.attempted),
      readRate: READ_CHANNELS.includes(ch.channel) ? ratio(ch.read, ch.delivered) : null,
      responseRate: REPLY_CHANNELS.includes(ch.channel) ? ratio(ch.replied, ch.delivered) : null,
    })),
    conversion: {
      windowDays: f.conversionDays,
      steps: f.messages.steps.map((x) => ({ ...x, rate: ratio(x.converted, x.judged) })),
    },
    rollRates: f.monthEnds.slice(0, -1).map((monthEnd, i) => {
      const next = f.monthEnds[i + 1] as CalendarDate;
      const moved = at(monthEnd, next);
      return {
        from: monthEnd,
        to: next,
        buckets: AGING_BUCKETS.map((bucket): RollFigure => {
          const cents = inBucket(monthEnd, bucket);
          const byBucket: Partial<Record<AgingBucket, Cents>> = {};
          for (const m of moved.filter((x) => x.from === bucket))
            byBucket[m.to] = (byBucket[m.to] ?? 0) + m.cents;
          const rolledCents = Object.entries(byBucket)
            .filter(([b]) => later(bucket, b as AgingBucket))
            .reduce((sum, [, c]) => sum + (c ?? 0), 0);
          return {
            bucket,
            cents,
            next: byBucket,
            rolledCents,
            rollRate: bucket === '180+' ? null : ratio(rolledCents, cents),
          };
        }),
      };
    }),
    costPerReceipt: {
      messageCents,
      messagesWithoutCost,
      collectorTasks: f.activity.tasks,
      collectorCents: collector,
      totalCents,
      payments: f.activity.payments,
      receivedCents: f.activity.receivedCents,
      perReceiptCents: centsPer(totalCents, f.activity.payments),
      costRatio: ratio(totalCents, f.activity.receivedCents),
      assumptions: { ...f.collectorCosts },
    },
    involuntaryChurn: {
      daysPastDue: CHURN_DAYS_PAST_DUE,
      activeAtStart: f.portfolio.churn.active,
      churned: f.portfolio.churn.churned,
      rate: ratio(f.portfolio.churn.churned, f.portfolio.churn.active),
    },
    agreements: f.agreements && {
      ...f.agreements,
      brokenRate: ratio(f.agreements.madeAndBroken, f.agreements.made),
    },
    notes,
  };
}
