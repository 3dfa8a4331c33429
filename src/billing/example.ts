/**
 * The worked example of docs/BILLING.md, planted through the real import and payment intake: the
 * tests (data, HTTP, browser) check the statement it makes against the numbers in the doc.
 */
import type { Scope } from '../access/scope.ts';
import type { Database } from '../db/client.ts';
import { withTenant } from '../db/tenant.ts';
import { createImport, runImport } from '../imports/run.ts';
import { takePayments } from '../payments/allocate.ts';
import { cpfFromBase } from '../shared/documents.ts';

/** The example's clock: 2026-04-15, so March 2026 has closed and April is running. */
export const EXAMPLE_NOW = new Date('2026-04-15T15:00:00Z');

export const EXAMPLE_TIERS = [
  { fromDays: 1, toDays: 30, basisPoints: 500 },
  { fromDays: 31, toDays: 90, basisPoints: 1000 },
  { fromDays: 91, toDays: null, basisPoints: 1500 },
];

const cpf = (n: number) => cpfFromBase(String(700_000_000 + n).padStart(9, '0'));

/**
 * | receivable | debtor | due        | amount   | paid                 |
 * | E-R1       | e1     | 2026-02-20 | 333,33   | 2026-03-05 (13 late) |
 * | E-R2       | e2     | 2025-12-31 | 1.234,57 | 2026-03-10 (69)      |
 * | E-R3       | e3     | 2025-11-15 | 999,99   | 2026-03-20 (125)     |
 * | E-R4       | e4     | 2026-03-31 | 500,00   | 2026-03-25 (on time) |
 * | E-R5       | e5     | 2025-12-01 | 900,00   | in agreement AC-E5   |
 * | AC-E5-1    | e5     | 2026-04-10 | 250,05   | 2026-03-28 (117, from E-R5) |
 * | E-R6       | e6     | 2026-01-10 | 100,00   | 2026-02-15 (36): February |
 * | E-R7       | e7     | 2026-01-31 | 400,00   | left open (the late-allocation test pays it) |
 */
export async function plantBillingExample(
  db: Database,
  scope: Scope,
  creditorId: number,
  scale = 1,
): Promise<{ receivables: Record<string, number>; debtors: Record<string, number>; agreementId: number }> {
  const rows: Array<[string, string, string, number]> = [
    ['E-R1', 'e1', '20/02/2026', 33_333],
    ['E-R2', 'e2', '31/12/2025', 123_457],
    ['E-R3', 'e3', '15/11/2025', 99_999],
    ['E-R4', 'e4', '31/03/2026', 50_000],
    ['E-R5', 'e5', '01/12/2025', 90_000],
    ['E-R6', 'e6', '10/01/2026', 10_000],
    ['E-R7', 'e7', '31/01/2026', 40_000],
  ];
  const reais = (cents: number) => `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  const csv = `id;cpf_cnpj;nome;emissao;vencimento;valor\n${rows
    .map(
      ([id, debtor, due, cents]) =>
        `${id};${cpf(Number(debtor.slice(1)))};Devedor ${debtor.toUpperCase()};01/10/2025;${due};${reais(cents * scale)}`,
    )
    .join('\n')}\n`;
  const bytes = Buffer.from(csv);
  const importId = await createImport(db, scope, {
    creditorId,
    source: 'csv',
    filename: 'exemplo-faturamento.csv',
    totalBytes: bytes.byteLength,
  });
  const result = await runImport(db, scope, importId, {
    format: 'csv',
    bytes: (async function* () {
      yield bytes;
    })(),
  });
  if (result.imported !== rows.length) throw new Error(`billing example: imported ${result.imported}`);

  const { receivables, debtors, agreementId } = await withTenant(db, scope.orgId, async (tx) => {
    const found = await tx.query<{ id: number; externalId: string; debtorId: number }>(
      `select id, external_id as "externalId", debtor_id as "debtorId" from receivables
        where org_id = $1 and creditor_id = $2 and external_id like 'E-R%'`,
      [scope.orgId, creditorId],
    );
    const receivables: Record<string, number> = {};
    const debtors: Record<string, number> = {};
    for (const r of found) {
      receivables[r.externalId] = r.id;
      debtors[`e${r.externalId.slice(3)}`] = r.debtorId;
    }
    // An agreement (acordo) renegotiating E-R5 into one installment, as src/payments/agreements.ts records it.
    const [agreement] = await tx.query<{ id: number }>(
      `insert into agreements (org_id, creditor_id, debtor_id, offer_key, as_of, updated_cents, total_cents,
              installment_count, tolerance_days, explanation, created_by)
       values ($1, $2, $3, 'avista', '2026-03-20', $4, $5, 1, 5, '[]', 'user:1') returning id`,
      [scope.orgId, creditorId, debtors.e5, 90_000 * scale, 25_005 * scale],
    );
    if (!agreement) throw new Error('billing example: no agreement');
    await tx.query(
      `insert into agreement_originals (org_id, agreement_id, receivable_id, status_before, open_cents_before, updated_cents)
       values ($1, $2, $3, 'open', $4, $4)`,
      [scope.orgId, agreement.id, receivables['E-R5'], 90_000 * scale],
    );
    await tx.query(`update receivables set status = 'in_agreement' where org_id = $1 and id = $2`, [
      scope.orgId,
      receivables['E-R5'],
    ]);
    const [installment] = await tx.query<{ id: number }>(
      `insert into receivables (org_id, creditor_id, debtor_id, external_id, issue_date, due_date, original_cents, open_cents, status)
       values ($1, $2, $3, 'AC-E5-1', '2026-03-20', '2026-04-10', $4, $4, 'open') returning id`,
      [scope.orgId, creditorId, debtors.e5, 25_005 * scale],
    );
    if (!installment) throw new Error('billing example: no installment');
    receivables['AC-E5-1'] = installment.id;
    await tx.query(
      `insert into agreement_installments (org_id, agreement_id, number, receivable_id, due_date, amount_cents)
       values ($1, $2, 1, $3, '2026-04-10', $4)`,
      [scope.orgId, agreement.id, installment.id, 25_005 * scale],
    );
    return { receivables, debtors, agreementId: agreement.id };
  });

  const pay = (key: string, receivable: string, cents: number, paidOn: string) =>
    takePayments(db, scope, [
      {
        source: 'pix',
        naturalKey: `billing-example:${creditorId}:${key}`,
        amountCents: cents * scale,
        paidOn,
        seuNumero: receivable,
        raw: { example: key },
      },
    ]);
  await pay('P6', 'E-R6', 10_000, '2026-02-15');
  await pay('P1', 'E-R1', 33_333, '2026-03-05');
  await pay('P2', 'E-R2', 123_457, '2026-03-10');
  await pay('P3', 'E-R3', 99_999, '2026-03-20');
  await pay('P4', 'E-R4', 50_000, '2026-03-25');
  await pay('P5', 'AC-E5-1', 25_005, '2026-03-28');
  return { receivables, debtors, agreementId };
}
