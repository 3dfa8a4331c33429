/**
 * A monthly report written by hand (the golden creditor's January 2026, see monthly.db.test.ts), for
 * the tests of the pure builders (PDF, XLSX) and for looking at their output.
 */
import { AGING_BUCKETS } from '../kpis/formulas.ts';
import { addDays } from '../shared/dates.ts';
import type { MonthlyReport } from './monthly.ts';
import { weeksOf } from './monthly.ts';

const PAID: Record<string, number> = { '2026-01-09': 25_000, '2026-01-10': 60_000, '2026-01-20': 50_000 };

export function sampleReport(options: { partial?: boolean } = {}): MonthlyReport {
  const until = options.partial ? '2026-01-20' : '2026-01-31';
  const byDay = Array.from({ length: Number(until.slice(8)) }, (_, i) => {
    const day = addDays('2026-01-01', i);
    return { day, cents: PAID[day] ?? 0 };
  });
  const buckets = [200_000, 40_000, 0, 0, 115_000, 400_000];
  const previous = [115_000, 0, 0, 100_000, 75_000, 400_000];
  return {
    header: {
      organization: 'Alfa BPO',
      creditor: { id: 4, legalName: 'Golden Assinaturas Ltda', tradeName: 'Golden', cnpj: '44556677000186' },
      month: '2026-01',
      monthLabel: 'janeiro de 2026',
      from: '2026-01-01',
      to: '2026-01-31',
      dataUntil: until,
      previousMonth: '2025-12',
      generatedAt: options.partial ? '2026-01-20T15:00:00.000Z' : '2026-04-15T15:00:00.000Z',
      timeZone: 'America/Sao_Paulo',
      status: options.partial ? 'partial' : 'closed',
      banner: options.partial ? 'Período em andamento: números parciais até 20/01/2026' : null,
    },
    portfolio: {
      asOf: until,
      previousAsOf: '2025-12-31',
      totalCents: 755_000,
      count: 5,
      overdueCents: 555_000,
      defaultRate: 0.7351,
      previous: { totalCents: 690_000, count: 7, overdueCents: 575_000, defaultRate: 0.8333 },
      buckets: AGING_BUCKETS.map((bucket, i) => ({
        bucket,
        cents: buckets[i] ?? 0,
        count: (buckets[i] ?? 0) === 0 ? 0 : i === 4 ? 2 : 1,
        share: [0.2649, 0.053, 0, 0, 0.1523, 0.5298][i] ?? null,
        previousCents: previous[i] ?? 0,
        previousCount: [3, 0, 0, 1, 2, 1][i] ?? 0,
      })),
    },
    recovery: {
      collectedCents: 135_000,
      previousCollectedCents: 0,
      recoveredCents: 60_000,
      overdueAtStartCents: 575_000,
      rate: 0.1043,
      previousRate: 0,
      receivedCents: 75_000,
      payments: 2,
      byDay,
      byWeek: weeksOf('2026-01-01', until, byDay),
      bySource: [
        { source: 'pix', cents: 75_000, payments: 2 },
        { source: 'import', cents: 60_000, payments: 1 },
      ],
      byBucket: AGING_BUCKETS.map((bucket) => ({
        bucket,
        cents: bucket === 'current' ? 25_000 : bucket === '0-30' ? 50_000 : bucket === '91-180' ? 60_000 : 0,
      })),
    },
    kpis: {
      rows: [
        { key: 'dso', label: 'DSO (padrão)', unit: 'days', value: 117, previous: 186 },
        {
          key: 'cei',
          label: 'Índice de eficiência de cobrança (CEI)',
          unit: 'percent',
          value: 19.57,
          previous: 0,
        },
        { key: 'recoveryRate', label: 'Taxa de recuperação', unit: 'ratio', value: 0.1043, previous: 0 },
        { key: 'promiseKeptRate', label: 'Promessas cumpridas', unit: 'ratio', value: 1, previous: null },
        { key: 'agreementsMade', label: 'Acordos firmados', unit: 'count', value: 1, previous: 0 },
        { key: 'costPerReceipt', label: 'Custo por recebimento', unit: 'cents', value: 189, previous: null },
      ],
      channels: [
        {
          channel: 'whatsapp',
          attempted: 2,
          delivered: 2,
          replied: 1,
          contactRate: 1,
          responseRate: 0.5,
          previousContactRate: null,
          previousResponseRate: null,
        },
      ],
    },
    actions: {
      messages: [
        { channel: 'sms', purpose: 'collection', status: 'delivered', count: 1, costCents: 7 },
        { channel: 'whatsapp', purpose: 'collection', status: 'delivered', count: 1, costCents: 35 },
        { channel: 'whatsapp', purpose: 'collection', status: 'read', count: 1, costCents: 35 },
      ],
      byChannel: [
        { channel: 'sms', total: 1, attempted: 1, delivered: 1, failed: 0, notSent: 0, costCents: 7 },
        { channel: 'whatsapp', total: 2, attempted: 2, delivered: 2, failed: 0, notSent: 0, costCents: 70 },
      ],
      calls: { done: 1, open: 0, byOutcome: [{ outcome: 'promise', count: 1 }] },
      letters: 0,
      priorNotices: 0,
      negativacoes: 0,
      protests: 0,
      promisesMade: 1,
      promisedCents: 25_000,
      steps: [
        {
          cadenceName: 'Golden',
          version: 1,
          stepKey: 'pf-vencimento-d0',
          variantKey: 'a',
          channel: 'sms',
          contacts: 1,
          judged: 1,
          converted: 1,
          rate: 1,
        },
      ],
    },
    agreements: {
      made: 1,
      madeCents: 100_000,
      madeAndBroken: 1,
      brokenRate: 1,
      broken: 0,
      brokenCents: 0,
      completed: 0,
      completedCents: 0,
      cancelled: 1,
      list: [
        {
          id: 1,
          debtorName: 'Devedor d1',
          madeOn: '2026-01-10',
          offerKey: 'parcelado-2',
          installments: 2,
          updatedCents: 100_000,
          discountCents: 0,
          totalCents: 100_000,
          status: 'broken',
          endedOn: '2026-02-20',
          endReason: null,
          madeInMonth: true,
          endedInMonth: false,
        },
      ],
      truncated: false,
    },
    notes: [],
  };
}

/** The same month with nothing in it: zeros, and null for every ratio. */
export function emptyReport(): MonthlyReport {
  const r = sampleReport();
  const zeroDays = r.recovery.byDay.map((d) => ({ ...d, cents: 0 }));
  return {
    ...r,
    portfolio: {
      ...r.portfolio,
      totalCents: 0,
      count: 0,
      overdueCents: 0,
      defaultRate: null,
      previous: { totalCents: 0, count: 0, overdueCents: 0, defaultRate: null },
      buckets: r.portfolio.buckets.map((b) => ({
        ...b,
        cents: 0,
        count: 0,
        share: null,
        previousCents: 0,
        previousCount: 0,
      })),
    },
    recovery: {
      ...r.recovery,
      collectedCents: 0,
      previousCollectedCents: 0,
      recoveredCents: 0,
      overdueAtStartCents: 0,
      rate: null,
      previousRate: null,
      receivedCents: 0,
      payments: 0,
      byDay: zeroDays,
      byWeek: weeksOf('2026-01-01', addDays('2026-01-01', 30), zeroDays),
      bySource: [],
      byBucket: r.recovery.byBucket.map((b) => ({ ...b, cents: 0 })),
    },
    kpis: { rows: r.kpis.rows.map((k) => ({ ...k, value: null, previous: null })), channels: [] },
    actions: {
      messages: [],
      byChannel: [],
      calls: { done: 0, open: 0, byOutcome: [] },
      letters: 0,
      priorNotices: 0,
      negativacoes: 0,
      protests: 0,
      promisesMade: 0,
      promisedCents: 0,
      steps: [],
    },
    agreements: {
      made: 0,
      madeCents: 0,
      madeAndBroken: 0,
      brokenRate: null,
      broken: 0,
      brokenCents: 0,
      completed: 0,
      completedCents: 0,
      cancelled: 0,
      list: [],
      truncated: false,
    },
    notes: ['Recuperação: sem dados — nenhum pagamento no mês.'],
  };
}
