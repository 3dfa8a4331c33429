import { beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { scopeFor } from '../access/scope.ts';
import { tenantQuery } from '../db/tenant.ts';
import { confirmPayment } from '../payments/reconciliation.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { Problem } from '../shared/problem.ts';
import { EXAMPLE_NOW, EXAMPLE_TIERS, plantBillingExample } from './example.ts';
import {
  getFeeTerms,
  getStatement,
  issueStatement,
  listIssued,
  listMonth,
  PARTIAL_NOTE,
  setFeeTerms,
  setIssuer,
} from './statements.ts';

/**
 * The worked example of docs/BILLING.md planted in organization A and, at ten times the amounts, in
 * organization B: each statement is computed from its own organization's payments only.
 */
const fixture = seededDatabaseForFile();
const now = { now: EXAMPLE_NOW };
let a: { creditorId: number; ids: Awaited<ReturnType<typeof plantBillingExample>> };
let b: { creditorId: number; ids: Awaited<ReturnType<typeof plantBillingExample>> };

const problemOf = async (work: Promise<unknown>): Promise<Problem> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
  throw new Error('expected a problem');
};

beforeAll(async () => {
  const { db, seeded } = fixture;
  const creditorA = await createCreditor(db, seeded.a.scope, {
    cnpj: cnpjFromBase('556677880001'),
    legalName: 'Exemplo Faturamento Ltda',
    tradeName: 'Exemplo',
    segment: 'saas',
    monthlyFeeCents: 99_900,
    successFeeBasisPoints: 2000,
  });
  const creditorB = await createCreditor(db, seeded.b.scope, {
    cnpj: cnpjFromBase('556677880001'),
    legalName: 'Exemplo na Beta Ltda',
    tradeName: null,
    segment: null,
  });
  a = { creditorId: creditorA.id, ids: await plantBillingExample(db, seeded.a.scope, creditorA.id) };
  b = { creditorId: creditorB.id, ids: await plantBillingExample(db, seeded.b.scope, creditorB.id, 10) };
  for (const [scope, creditorId] of [
    [seeded.a.scope, a.creditorId],
    [seeded.b.scope, b.creditorId],
  ] as const)
    await setFeeTerms(db, scope, creditorId, {
      effectiveMonth: '2026-01',
      monthlyFeeCents: 150_000,
      successFeeBasisPoints: null,
      tiers: EXAMPLE_TIERS,
    });
  await setIssuer(db, seeded.a.scope, {
    legalName: 'Alfa BPO Cobranças Ltda',
    cnpj: '11.444.777/0001-61',
    address: 'Av. Paulista, 1000, São Paulo/SP',
  });
});

describe('fee terms', () => {
  it('keep every version; before the first one the creditor’s registration applies', async () => {
    const { db, seeded } = fixture;
    const terms = await getFeeTerms(db, seeded.a.scope, a.creditorId, now);
    expect(terms.current).toMatchObject({
      source: 'version',
      effectiveMonth: '2026-01',
      monthlyFeeCents: 150_000,
    });
    expect(terms.current.tiers).toEqual(EXAMPLE_TIERS);
    const december = await getStatement(db, seeded.a.scope, a.creditorId, '2025-12', now);
    expect(december.terms).toMatchObject({
      source: 'creditor',
      monthlyFeeCents: 99_900,
      successFeeBasisPoints: 2000,
    });
  });

  it('are refused with every problem in pt-BR', async () => {
    const { db, seeded } = fixture;
    const problem = await problemOf(
      setFeeTerms(db, seeded.a.scope, a.creditorId, {
        effectiveMonth: '2026-13',
        monthlyFeeCents: -5,
        successFeeBasisPoints: null,
        tiers: [
          { fromDays: 1, toDays: 30, basisPoints: 500 },
          { fromDays: 20, toDays: null, basisPoints: 12_000 },
        ],
      }),
    );
    expect(problem.status).toBe(400);
    expect(problem.extra.problems).toEqual([
      'Informe o mês de início da vigência (AAAA-MM).',
      'Mensalidade inválida: informe um valor em reais de 0 a 1 bilhão.',
      'Faixa 2: taxa inválida; use um percentual de 0% a 100%, com até duas casas decimais.',
      'Faixa 2: sobrepõe a faixa 1 (começa em 20, a anterior vai até 30).',
    ]);
  });
});

describe('the statement of March 2026 (the worked example)', () => {
  it('lists each recovery it is computed from, with its days late, tier and fee', async () => {
    const { db, seeded } = fixture;
    const s = await getStatement(db, seeded.a.scope, a.creditorId, '2026-03', now);
    expect(s).toMatchObject({
      state: 'closed',
      partial: false,
      number: null,
      period: { from: '2026-03-01', to: '2026-03-31' },
    });
    // E-R4 was paid before its due date (not a recovery); E-R6 was paid in February; the other
    // creditor's and organization B's payments are not this creditor's.
    expect(
      s.lines.map((l) => [
        l.receivable,
        l.paidOn,
        l.lateSince,
        l.daysLate,
        l.cents,
        l.basisPoints,
        l.rateLabel,
        l.feeExact,
        l.feeCents,
      ]),
    ).toEqual([
      ['E-R1', '2026-03-05', '2026-02-20', 13, 33_333, 500, '1 a 30 dias', '1666.6500', 1666],
      ['E-R2', '2026-03-10', '2025-12-31', 69, 123_457, 1000, '31 a 90 dias', '12345.7000', 12_346],
      ['E-R3', '2026-03-20', '2025-11-15', 125, 99_999, 1500, '91 dias ou mais', '14999.8500', 15_000],
      ['AC-E5-1', '2026-03-28', '2025-12-01', 117, 25_005, 1500, '91 dias ou mais', '3750.7500', 3751],
    ]);
    expect(s.lines[3]?.agreementId).toBe(a.ids.agreementId);
    expect(s.lines.map((l) => l.debtorName)).toEqual([
      'Devedor E1',
      'Devedor E2',
      'Devedor E3',
      'Devedor E5',
    ]);
    expect(s.recoveredCents).toBe(281_794);
    expect(s.successFeeExact).toBe('32762.95');
    expect(s.successFeeCents).toBe(32_763);
    expect(s.lines.reduce((sum, l) => sum + l.feeCents, 0)).toBe(s.successFeeCents);
    expect(s.monthlyFeeCents).toBe(150_000);
    expect(s.totalCents).toBe(182_763);
  });

  it('in organization B, ten times the amounts, from its own payments only', async () => {
    const { db, seeded } = fixture;
    const s = await getStatement(db, seeded.b.scope, b.creditorId, '2026-03', now);
    expect(s.lines.map((l) => l.cents)).toEqual([333_330, 1_234_570, 999_990, 250_050]);
    expect(s.successFeeCents).toBe(327_630); // 16666,5 + 123457 + 149998,5 + 37507,5 = 327629,5 → 327630
    // Floors 16666 + 123457 + 149998 + 37507 = 327628: the 2 centavos left go to the first two of the
    // three lines cut at ,5 (a tie goes to the earlier line).
    expect(s.lines.map((l) => l.feeCents)).toEqual([16_667, 123_457, 149_999, 37_507]);
  });

  it('an open month is a partial preview and cannot be issued; a future month has nothing', async () => {
    const { db, seeded } = fixture;
    const april = await getStatement(db, seeded.a.scope, a.creditorId, '2026-04', now);
    expect(april).toMatchObject({ state: 'open', partial: true, note: PARTIAL_NOTE, number: null });
    const problem = await problemOf(issueStatement(db, seeded.a.scope, a.creditorId, '2026-04', now));
    expect(problem.status).toBe(409);
    expect(problem.detail).toContain('ainda não terminou');
    const june = await getStatement(db, seeded.a.scope, a.creditorId, '2026-06', now);
    expect(june).toMatchObject({ state: 'future', partial: true, totalCents: 0, lines: [] });
    expect((await problemOf(getStatement(db, seeded.a.scope, a.creditorId, '2026-3', now))).status).toBe(400);
  });

  it('cannot be issued before the issuer (the BPO) is identified', async () => {
    const { db, seeded } = fixture;
    const problem = await problemOf(issueStatement(db, seeded.b.scope, b.creditorId, '2026-03', now));
    expect(problem.status).toBe(409);
    expect(problem.detail).toContain('dados do emissor');
  });
});

describe('issuing', () => {
  it('stores the statement numbered and immutable; issuing again returns the same one', async () => {
    const { db, seeded } = fixture;
    const first = await issueStatement(db, seeded.a.scope, a.creditorId, '2026-03', now);
    const again = await issueStatement(db, seeded.a.scope, a.creditorId, '2026-03', now);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.statement).toEqual(first.statement);
    expect(first.statement).toMatchObject({
      state: 'issued',
      number: 1,
      totalCents: 182_763,
      successFeeCents: 32_763,
    });
    expect(first.statement.issuer?.cnpj).toBe('11444777000161');
    expect(first.statement.lines.map((l) => l.feeCents)).toEqual([1666, 12_346, 15_000, 3751]);
    const audit = await tenantQuery<{ n: number }>(
      db,
      seeded.a.scope,
      `select count(*)::int as n from audit_log where org_id = $1 and action = 'billing.statement_issued'`,
      [seeded.a.scope.orgId],
    );
    expect(audit[0]?.n).toBe(1);
    await expect(
      tenantQuery(db, seeded.a.scope, 'update fee_statements set total_cents = 0 where org_id = $1', [
        seeded.a.scope.orgId,
      ]),
    ).rejects.toThrow(/immutable/);
    await expect(
      tenantQuery(db, seeded.a.scope, 'delete from fee_statement_lines where org_id = $1', [
        seeded.a.scope.orgId,
      ]),
    ).rejects.toThrow(/immutable/);
    expect(
      (await listIssued(db, seeded.a.scope, a.creditorId)).map((s) => [s.month, s.number, s.lineCount]),
    ).toEqual([['2026-03', 1, 4]]);
  });

  it('new terms cannot take effect in a month already issued', async () => {
    const { db, seeded } = fixture;
    const problem = await problemOf(
      setFeeTerms(db, seeded.a.scope, a.creditorId, {
        effectiveMonth: '2026-03',
        monthlyFeeCents: 0,
        successFeeBasisPoints: 100,
        tiers: [],
      }),
    );
    expect(problem.status).toBe(409);
    expect((await getFeeTerms(db, seeded.a.scope, a.creditorId, now)).lastIssuedMonth).toBe('2026-03');
  });

  it('a payment is never charged twice: one of March allocated after March was issued goes into April', async () => {
    const { db, seeded } = fixture;
    const scope = seeded.a.scope;
    // A Pix of 2026-03-30 nobody could match, reconciled by a person after March was issued.
    const [payment] = await tenantQuery<{ id: number }>(
      db,
      scope,
      `insert into payments (org_id, source, natural_key, amount_cents, paid_on, status, raw)
       values ($1, 'pix', 'billing-example:late', 40000, '2026-03-30', 'unallocated', '{}') returning id`,
      [scope.orgId],
    );
    await confirmPayment(db, scope, payment?.id ?? 0, {
      debtorId: a.ids.debtors.e7 ?? 0,
      receivableId: a.ids.receivables['E-R7'] ?? 0,
    });
    const march = await getStatement(db, scope, a.creditorId, '2026-03', now);
    expect(march.lines).toHaveLength(4);
    const may = { now: new Date('2026-05-02T12:00:00Z') };
    const april = await getStatement(db, scope, a.creditorId, '2026-04', may);
    expect(april.lines.map((l) => [l.receivable, l.paidOn, l.daysLate, l.carriedOver, l.feeCents])).toEqual([
      ['E-R7', '2026-03-30', 58, true, 4000],
    ]);
    const issued = await issueStatement(db, scope, a.creditorId, '2026-04', may);
    expect(issued.statement).toMatchObject({ number: 2, successFeeCents: 4000, totalCents: 154_000 });
    expect(
      (await getStatement(db, scope, a.creditorId, '2026-05', { now: new Date('2026-06-02T12:00:00Z') }))
        .lines,
    ).toEqual([]);
    // The unique key on the allocation is the last guard.
    await expect(
      tenantQuery(
        db,
        scope,
        `insert into fee_statement_lines (org_id, statement_id, line_no, payment_id, receivable_id, debtor_id, paid_on,
                late_since, cents, days_late, basis_points, fee_exact, fee_cents)
         select org_id, statement_id, 99, payment_id, receivable_id, debtor_id, paid_on, late_since, cents, days_late,
                basis_points, fee_exact, fee_cents
           from fee_statement_lines where org_id = $1 and line_no = 1 and statement_id = (
                select id from fee_statements where org_id = $1 and number = 1)`,
        [scope.orgId],
      ),
    ).rejects.toThrow(/fee_statement_lines_allocation_key|duplicate key/);
  });

  it('three issues of the same month at once (a retried job) make one statement', async () => {
    const { db, seeded } = fixture;
    const results = await Promise.all(
      [1, 2, 3].map(() => issueStatement(db, seeded.a.scope, seeded.a.otherCreditorId, '2026-02', now)),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.statement.number)).size).toBe(1);
    const [count] = await tenantQuery<{ n: number }>(
      db,
      seeded.a.scope,
      'select count(*)::int as n from fee_statements where org_id = $1 and creditor_id = $2',
      [seeded.a.scope.orgId, seeded.a.otherCreditorId],
    );
    expect(count?.n).toBe(1);
  });

  it('numbers statements per organization', async () => {
    const { db, seeded } = fixture;
    await setIssuer(db, seeded.b.scope, {
      legalName: 'Beta Cobranças Ltda',
      cnpj: '11.444.777/0001-61',
      address: null,
    });
    const { statement } = await issueStatement(db, seeded.b.scope, b.creditorId, '2026-03', now);
    expect(statement).toMatchObject({ number: 1, successFeeCents: 327_630, totalCents: 477_630 });
  });
});

describe('client view', () => {
  it('a client viewer sees its creditor’s statements and terms; another creditor is not found', async () => {
    const { db, seeded } = fixture;
    const client = scopeFor({
      orgId: seeded.a.scope.orgId,
      role: 'client_viewer',
      creditorIds: [a.creditorId],
      userId: null,
      timeZone: seeded.a.scope.timeZone,
    });
    expect((await getStatement(db, client, a.creditorId, '2026-03', now)).number).toBe(1);
    const other = await problemOf(getStatement(db, client, seeded.a.creditorId, '2026-03', now));
    expect(other.status).toBe(404);
    expect((await problemOf(getFeeTerms(db, client, seeded.a.creditorId))).status).toBe(404);
    expect((await problemOf(listIssued(db, client, seeded.a.creditorId))).status).toBe(404);
    const month = await listMonth(db, client, '2026-03', now);
    expect(month.items.map((i) => i.creditor.id)).toEqual([a.creditorId]);
    const all = await listMonth(db, seeded.a.scope, '2026-03', now);
    expect(all.items.map((i) => i.creditor.id).sort()).toEqual(
      [a.creditorId, seeded.a.creditorId, seeded.a.otherCreditorId].sort(),
    );
  });
});
