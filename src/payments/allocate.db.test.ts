import { describe, expect, it } from 'vitest';
import { importCsv, seededDatabaseForFile } from '../../test/support/seed.ts';
import { breakOverduePromises, type IncomingPayment, takePayments } from './allocate.ts';

const fixture = seededDatabaseForFile();

const payment = (key: string, cents: number, extra: Partial<IncomingPayment> = {}): IncomingPayment => ({
  source: 'cnab240',
  naturalKey: key,
  amountCents: cents,
  paidOn: '2026-03-10',
  raw: { key },
  ...extra,
});

async function receivable(externalId: string) {
  const [row] = await fixture.db.query<{ openCents: number; status: string }>(
    `select open_cents as "openCents", status from receivables where org_id = $1 and external_id = $2`,
    [fixture.seeded.a.scope.orgId, externalId],
  );
  return row;
}

describe('taking payments in', () => {
  it('allocates by nosso número, partial payments reduce the balance, the overpayment becomes credit', async () => {
    const { a } = fixture.seeded;
    await importCsv(
      fixture.db,
      a.scope,
      a.creditorId,
      'id;cpf_cnpj;nome;vencimento;valor;nosso_numero\nN-1;390.533.447-05;José Souza;2026-02-10;300,00;12345\nN-2;390.533.447-05;José Souza;2026-03-10;200,00;12346\n',
    );
    const [first] = await takePayments(fixture.db, a.scope, [
      payment('bank:1', 10_000, { nossoNumero: '00012345' }),
    ]);
    expect(first).toMatchObject({
      status: 'allocated',
      allocatedCents: 10_000,
      creditCents: 0,
      matchedBy: 'nosso número 00012345',
    });
    expect(await receivable('N-1')).toEqual({ openCents: 20_000, status: 'partially_paid' });
    const [second] = await takePayments(fixture.db, a.scope, [
      payment('bank:2', 45_000, { nossoNumero: '12345' }),
    ]);
    // 200,00 closes N-1, 200,00 closes N-2 (the debtor's other receivable). Of the 50,00 left, N-1's charges
    // at 28 days late are paid (multa 2% = 4,00 and juros 1% a.m. = 1,87 on 200,00), and 44,13 is credit.
    expect(second).toMatchObject({
      status: 'partially_allocated',
      allocatedCents: 40_000,
      chargesCents: 587,
      creditCents: 4_413,
    });
    expect(await receivable('N-1')).toEqual({ openCents: 0, status: 'paid' });
    expect(await receivable('N-2')).toEqual({ openCents: 0, status: 'paid' });
    const [changes] = await fixture.db.query<{ n: number }>(
      `select count(*)::int as n from receivable_changes c join receivables r on r.org_id = c.org_id and r.id = c.receivable_id
        where r.external_id in ('N-1', 'N-2') and c.changes ? 'payment_id'`,
    );
    expect(changes?.n).toBe(3);
  });

  it('the same payment taken twice (a file imported again) is stored and applied once', async () => {
    const { a } = fixture.seeded;
    const before = await receivable('T-3');
    const [again] = await takePayments(fixture.db, a.scope, [
      payment('bank:1', 10_000, { nossoNumero: '12345' }),
    ]);
    expect(again).toMatchObject({ duplicate: true, status: 'duplicate' });
    expect(await receivable('T-3')).toEqual(before);
  });

  it('falls back to the payer’s document, and leaves ambiguous or unknown payments for a person', async () => {
    const { a } = fixture.seeded;
    const [byDocument] = await takePayments(fixture.db, a.scope, [
      payment('bank:3', 1_000_000, { payerDocument: '11.222.333/0001-81' }),
    ]);
    expect(byDocument).toMatchObject({ status: 'allocated', matchedBy: 'CPF/CNPJ do pagador' });
    expect(await receivable('T-3')).toEqual({ openCents: 0, status: 'paid' });
    const [unknown] = await takePayments(fixture.db, a.scope, [
      payment('bank:4', 5_000, { payerDocument: '111.444.777-35' }),
    ]);
    expect(unknown).toMatchObject({ status: 'unallocated', allocatedCents: 0 });
  });

  it('never touches another organization, even for the same CPF', async () => {
    const { a, b } = fixture.seeded;
    await takePayments(fixture.db, a.scope, [payment('bank:5', 7_700, { payerDocument: '529.982.247-25' })]);
    const [beta] = await fixture.db.query<{ openCents: number }>(
      `select open_cents as "openCents" from receivables where org_id = $1 and external_id = 'B-1'`,
      [b.scope.orgId],
    );
    expect(beta?.openCents).toBe(7_700);
  });

  it('a promise is kept by the payments that arrive, and broken when its date passes unpaid', async () => {
    const { a } = fixture.seeded;
    const [maria] = await fixture.db.query<{ id: number }>(
      `select id from debtors where org_id = $1 and document = '52998224725'`,
      [a.scope.orgId],
    );
    await fixture.db.query(
      `insert into collection_holds (org_id, debtor_id, kind, until_date, amount_cents, reason, created_by)
       values ($1, $2, 'promise', '2099-01-10', 20_000, 'kept', 'test'), ($1, $2, 'promise', '2026-01-10', 99_000, 'broken', 'test')`
        .replace(/20_000/, '20000')
        .replace(/99_000/, '99000'),
      [a.scope.orgId, maria?.id],
    );
    await takePayments(fixture.db, a.scope, [
      payment('bank:6', 20_000, { payerDocument: '529.982.247-25', paidOn: '2099-01-01' }),
    ]);
    expect(await breakOverduePromises(fixture.db, a.scope.orgId, '2026-03-10')).toBe(1);
    const holds = await fixture.db.query<{ reason: string; releasedBy: string }>(
      `select reason, released_by as "releasedBy" from collection_holds where org_id = $1 and debtor_id = $2 order by id`,
      [a.scope.orgId, maria?.id],
    );
    expect(holds).toEqual([
      { reason: 'kept', releasedBy: 'system:promise_kept' },
      { reason: 'broken', releasedBy: 'system:promise_broken' },
    ]);
  });
});
