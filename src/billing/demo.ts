/**
 * The demo's billing, through the real use cases: the BPO as issuer, fee terms for each demo creditor
 * (tiered by days late for one of them), Pix payments of overdue debts during the previous month, and
 * that month's statements issued.
 */
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { type IncomingPayment, takePayments } from '../payments/allocate.ts';
import { debtorTxid } from '../payments/pix.ts';
import { addDays, type CalendarDate } from '../shared/dates.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { addMonthsTo, monthEnd, monthOf, monthStart } from './fees.ts';
import { issueStatement, setFeeTerms, setIssuer } from './statements.ts';

export const DEMO_TIERS = [
  { fromDays: 1, toDays: 30, basisPoints: 800 },
  { fromDays: 31, toDays: 90, basisPoints: 1200 },
  { fromDays: 91, toDays: null, basisPoints: 1800 },
];

export async function seedDemoBilling(
  db: Database,
  scope: Scope,
  creditorIds: Record<string, number>,
  asOf: CalendarDate,
): Promise<{
  payments: number;
  statements: Array<{ creditorId: number; number: number | null; totalCents: number }>;
}> {
  await setIssuer(db, scope, {
    legalName: 'Cobra Bem BPO Financeiro Ltda',
    cnpj: cnpjFromBase('192837460001'),
    address: 'Av. Paulista, 1578, Bela Vista, São Paulo/SP, 01310-200',
  });
  const lastMonth = addMonthsTo(monthOf(asOf), -1);
  const since = addMonthsTo(lastMonth, -2);
  for (const [key, creditorId] of Object.entries(creditorIds)) {
    const [creditor] = await db.query<{ monthlyFeeCents: number; successFeeBasisPoints: number }>(
      `select monthly_fee_cents as "monthlyFeeCents", success_fee_basis_points as "successFeeBasisPoints"
         from creditors where org_id = $1 and id = $2`,
      [scope.orgId, creditorId],
    );
    await setFeeTerms(db, scope, creditorId, {
      effectiveMonth: since,
      monthlyFeeCents: creditor?.monthlyFeeCents ?? 0,
      successFeeBasisPoints: key === 'nuvem' ? null : (creditor?.successFeeBasisPoints ?? 0),
      tiers: key === 'nuvem' ? DEMO_TIERS : [],
    });
  }

  // Debtors (one in six, not those seedDemoPayments pays) whose oldest open debt fell due before the
  // 10th of last month pay it by Pix during last month.
  const start = monthStart(lastMonth);
  const end = monthEnd(lastMonth);
  const due = await db.query<{
    debtorId: number;
    openCents: number;
    dueDate: string;
    document: string;
    name: string;
  }>(
    `select distinct on (r.debtor_id) r.debtor_id as "debtorId", r.open_cents as "openCents", r.due_date::text as "dueDate",
            d.document, d.name
       from receivables r join debtors d on d.org_id = r.org_id and d.id = r.debtor_id
      where r.org_id = $1 and r.status in ('open', 'partially_paid') and r.open_cents > 0
        and r.due_date < $2::date + 9 and d.id % 6 = 3
      order by r.debtor_id, r.due_date, r.id`,
    [scope.orgId, start],
  );
  const payments: IncomingPayment[] = due.slice(0, 60).map((d, i) => {
    let paidOn = addDays(start, (i * 7) % 28);
    if (paidOn <= d.dueDate) paidOn = addDays(d.dueDate, 1 + (i % 5));
    if (paidOn > end) paidOn = end;
    return {
      source: 'pix',
      naturalKey: `pix:E00000000BILL${String(d.debtorId).padStart(18, '0')}`,
      amountCents: d.openCents,
      paidOn,
      payerDocument: d.document,
      payerName: d.name,
      txid: debtorTxid(d.debtorId, paidOn),
      raw: { demo: 'billing' },
    };
  });
  for (let i = 0; i < payments.length; i += 200) await takePayments(db, scope, payments.slice(i, i + 200));

  // Last month has ended on the demo's date: its statements are issued.
  const now = new Date(`${asOf}T15:00:00Z`);
  const statements = [];
  for (const creditorId of Object.values(creditorIds)) {
    const { statement } = await issueStatement(db, scope, creditorId, lastMonth, { now });
    statements.push({ creditorId, number: statement.number, totalCents: statement.totalCents });
  }
  return { payments: payments.length, statements };
}
