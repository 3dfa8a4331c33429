import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { acceptOffer, breakOverdueAgreements } from '../payments/agreements.ts';
import { type IncomingPayment, takePayments } from '../payments/allocate.ts';
import { addDays, type CalendarDate } from '../shared/dates.ts';

/**
 * Gives the demo agreements with a history, made through the real use cases: debtors more than three
 * months late accepted offers on dates in the last two months; some paid everything (completed, and
 * recovered customers), some are paying, and some stopped paying (broken by the real check, with the
 * originals back net of what was paid).
 */
export async function seedDemoAgreements(
  db: Database,
  scope: Scope,
  asOf: CalendarDate,
): Promise<{ made: number; completed: number; broken: number }> {
  const candidates = await db.query<{ debtorId: number }>(
    `select r.debtor_id as "debtorId"
       from receivables r
      where r.org_id = $1 and r.status = 'open' and r.due_date < $2::date - 90 and r.debtor_id % 7 = 3
      group by r.debtor_id
     having count(*) <= 3
      order by r.debtor_id limit 36`,
    [scope.orgId, asOf],
  );
  let made = 0;
  const payments: IncomingPayment[] = [];
  for (const [i, c] of candidates.entries()) {
    // Spread over the last 60 days; cash for one in four, three payments for the others.
    const day = addDays(asOf, -60 + (i % 12) * 5);
    const cash = i % 4 === 0;
    try {
      const agreement = await acceptOffer(
        db,
        { ...scope, actor: i % 3 === 0 ? 'debtor:portal' : 'user:demo-collector' },
        { debtorId: c.debtorId, offerKey: cash ? 'avista' : 'parcelado-3', asOf: day },
      );
      made++;
      // Two in three pay what is due; the others stop after the down payment (or never pay).
      const keepsPaying = i % 3 !== 2;
      for (const p of agreement.installments) {
        const late = p.dueDate >= asOf;
        if (late || (!keepsPaying && p.number > 1) || (!keepsPaying && cash)) continue;
        payments.push({
          source: 'pix',
          naturalKey: `pix:E00000000DEMOA${agreement.id}N${p.number}`,
          amountCents: p.amountCents,
          paidOn: p.dueDate,
          txid: `RGA${agreement.id}N${p.number}`,
          raw: { demo: true },
        });
      }
    } catch {
      // A debtor whose debt fits no offer of the policy simply has no agreement.
    }
  }
  for (let i = 0; i < payments.length; i += 200) await takePayments(db, scope, payments.slice(i, i + 200));
  const broken = await breakOverdueAgreements(db, scope.orgId, asOf);
  const [completed] = await db.query<{ n: number }>(
    `select count(*)::int as n from agreements where org_id = $1 and status = 'completed'`,
    [scope.orgId],
  );
  return { made, completed: completed?.n ?? 0, broken };
}
