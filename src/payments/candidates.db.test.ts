import { beforeAll, describe, expect, it } from 'vitest';
import { importCsv, seededDatabaseForFile } from '../../test/support/seed.ts';
import { createOrganization } from '../access/accounts.ts';
import { withTenant } from '../db/tenant.ts';
import { cnpjFromBase, cpfFromBase, formatTaxId } from '../shared/documents.ts';
import { findCandidates, type PaymentCandidates } from './candidates.ts';
import golden from './fixtures/reconciliation-golden.json' with { type: 'json' };
import { updatedTotalCents } from './reconcile.ts';

const fixture = seededDatabaseForFile();

const CARLOS = cpfFromBase('276543218');
/** An alphanumeric CNPJ (IN RFB 2.229/2024). */
const LANCHONETE = cnpjFromBase('AB12CD340001');

type Line = {
  amountCents: number;
  paidOn?: string;
  payerDocument?: string | null;
  payerName?: string | null;
  memo?: string | null;
};

let sequence = 0;
/** An unallocated payment, stored as takePayments leaves one that matched nothing. */
async function payment(orgId: number, line: Line): Promise<number> {
  sequence++;
  const [row] = await fixture.db.query<{ id: number }>(
    `insert into payments (org_id, source, natural_key, amount_cents, paid_on, payer_document, payer_name, reference,
            status, matched_by, raw)
     values ($1, 'ofx', $2, $3, $4, $5, $6, $7, 'unallocated', 'sem correspondência', '{}') returning id`,
    [
      orgId,
      `test:${sequence}`,
      line.amountCents,
      line.paidOn ?? '2026-03-10',
      line.payerDocument ?? null,
      line.payerName ?? null,
      line.memo ?? null,
    ],
  );
  if (!row) throw new Error('payment insert returned nothing');
  return row.id;
}

function candidatesOf(orgId: number, ids: number[]): Promise<PaymentCandidates[]> {
  return withTenant(fixture.db, orgId, (tx) => findCandidates(tx, orgId, ids, { tables: {} }));
}

const lanchonete = LANCHONETE;
const receivableIds = new Map<string, number>();

beforeAll(async () => {
  const { a, b } = fixture.seeded;
  await importCsv(
    fixture.db,
    a.scope,
    a.creditorId,
    `id;documento;cpf_cnpj;nome;vencimento;valor
R-1;NF-9001;${CARLOS};Carlos Eduardo Souza;2026-03-10;1.250,00
R-2;NF-9002;390.533.447-05;Ana Carolina Lima;2026-03-10;1.250,00
R-3;NF-9003;${lanchonete};Lanchonete Ponto Certo Ltda;2026-03-05;432,10
R-4;NF-9004;${lanchonete};Lanchonete Ponto Certo Ltda;2026-03-25;432,10
`,
  );
  // The other organization: the same CPF owing the same amount, the same CNPJ owing the sum of two.
  await importCsv(
    fixture.db,
    b.scope,
    b.creditorId,
    `id;documento;cpf_cnpj;nome;vencimento;valor
B-2;NF-9001;${CARLOS};Carlos Eduardo Souza;2026-03-10;1.250,00
B-3;NF-9005;${lanchonete};Lanchonete Ponto Certo Ltda;2026-03-15;864,20
`,
  );
  const rows = await fixture.db.query<{ externalId: string; id: number }>(
    `select external_id as "externalId", id from receivables`,
  );
  for (const row of rows) receivableIds.set(row.externalId, row.id);
});

const id = (externalId: string) => receivableIds.get(externalId) ?? -1;

async function orgOfReceivables(ids: number[]): Promise<number[]> {
  const rows = await fixture.db.query<{ orgId: number }>(
    'select distinct org_id as "orgId" from receivables where id = any($1::bigint[])',
    [ids],
  );
  return rows.map((r) => r.orgId);
}

describe('reconciliation candidates from the database', () => {
  it("a payment with the debtor's CPF finds the receivable and is automatic; the other organization's debtor with the same CPF and amount never appears", async () => {
    const { a, b } = fixture.seeded;
    const paid = await payment(a.scope.orgId, {
      amountCents: 125_000,
      payerDocument: formatTaxId(CARLOS),
      payerName: 'CARLOS EDUARDO SOUZA',
    });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.decision).toBe('auto');
    expect(result?.candidates[0]).toMatchObject({
      receivableIds: [id('R-1')],
      debtorName: 'Carlos Eduardo Souza',
    });
    expect(result?.candidates[0]?.reasons).toContain('CPF do pagador confere');
    const seen = result?.candidates.flatMap((c) => c.receivableIds) ?? [];
    expect(seen).not.toContain(id('B-2'));
    expect(await orgOfReceivables(seen)).toEqual([a.scope.orgId]);
    // The same payment in the other organization finds only its own receivable.
    const theirs = await payment(b.scope.orgId, { amountCents: 125_000, payerDocument: CARLOS });
    const [beta] = await candidatesOf(b.scope.orgId, [theirs]);
    expect(beta?.candidates.map((c) => c.receivableIds)).toEqual([[id('B-2')]]);
  });

  it('the same amount owed by two debtors and nothing else on the line: both are shown, nothing is automatic', async () => {
    const { a } = fixture.seeded;
    const paid = await payment(a.scope.orgId, { amountCents: 125_000, memo: 'TED RECEBIDA' });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.decision).toBe('suggest');
    const [first, second] = result?.candidates ?? [];
    expect(first?.confidence).toBe(second?.confidence);
    expect([first?.receivableIds, second?.receivableIds]).toEqual([[id('R-1')], [id('R-2')]]);
  });

  it("the payer's name picks its debtor among those owing the same amount", async () => {
    const { a } = fixture.seeded;
    const paid = await payment(a.scope.orgId, {
      amountCents: 125_000,
      payerName: 'PIX RECEBIDO ANA CAROLINA LIMA',
    });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.decision).toBe('auto');
    expect(result?.candidates[0]?.receivableIds).toEqual([id('R-2')]);
    expect(result?.candidates[0]?.reasons).toContain('nome do pagador confere');
  });

  it('two receivables paid together by an alphanumeric CNPJ are one candidate', async () => {
    const { a } = fixture.seeded;
    const paid = await payment(a.scope.orgId, { amountCents: 86_420, payerDocument: lanchonete });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.decision).toBe('auto');
    expect(result?.candidates[0]?.receivableIds).toEqual([id('R-3'), id('R-4')]);
    expect(await orgOfReceivables(result?.candidates.flatMap((c) => c.receivableIds) ?? [])).toEqual([
      a.scope.orgId,
    ]);
  });

  it('a memo citing the document number finds a partial payment the amount alone would miss', async () => {
    const { a } = fixture.seeded;
    const paid = await payment(a.scope.orgId, { amountCents: 30_000, memo: 'PGTO NF 9001 PARCIAL' });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.candidates[0]?.receivableIds).toEqual([id('R-1')]);
    expect(result?.candidates[0]?.reasons).toContain('histórico cita o título NF-9001');
    expect(result?.decision).toBe('suggest');
  });

  it('the updated total with multa and juros as of the day paid matches exactly', async () => {
    const { a } = fixture.seeded;
    const updated = updatedTotalCents(
      {
        openCents: 123_456,
        dueDate: '2026-01-31',
        debtorKind: 'person',
        terms: { multaPercent: '2', jurosMonthlyPercent: '1', correction: 'none' },
      },
      '2026-03-10',
      {},
    );
    const paid = await payment(a.scope.orgId, { amountCents: updated ?? 0, payerName: 'MARIA DA SILVA' });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.candidates[0]?.receivableIds).toEqual([id('T-1')]);
    expect(result?.candidates[0]?.receivables[0]?.updatedCents).toBe(updated);
    expect(result?.candidates[0]?.reasons[0]).toMatch(/^valor igual ao total atualizado/);
  });

  it('a yield credited by the bank is left alone', async () => {
    const { a } = fixture.seeded;
    const paid = await payment(a.scope.orgId, {
      amountCents: 43_210,
      payerName: 'RENDIMENTO APLIC AUTOMATICA',
    });
    const [result] = await candidatesOf(a.scope.orgId, [paid]);
    expect(result?.decision).toBe('none');
  });

  it("another organization's payments are not read, and its receivables never appear, even without row-level security", async () => {
    const { a, b } = fixture.seeded;
    const theirs = await payment(b.scope.orgId, { amountCents: 86_420, payerDocument: lanchonete });
    expect(await candidatesOf(a.scope.orgId, [theirs])).toEqual([]);
    // As the owner (row-level security does not apply), only the query's own organization filter stands.
    const ours = await payment(a.scope.orgId, {
      amountCents: 86_420,
      payerDocument: lanchonete,
      memo: 'NF-9005 B-3 NF-9001',
    });
    const batch = await fixture.db.transaction((tx) =>
      findCandidates(tx, a.scope.orgId, [ours, theirs], { tables: {}, top: 10 }),
    );
    expect(batch.map((r) => r.paymentId)).toEqual([ours]);
    const seen = batch.flatMap((r) => r.candidates.flatMap((c) => c.receivableIds));
    expect(seen).toContain(id('R-3'));
    expect(seen).not.toContain(id('B-3'));
    expect(seen).not.toContain(id('B-2'));
    expect(await orgOfReceivables(seen)).toEqual([a.scope.orgId]);
  });

  it('takes a batch at once and answers in the order of the payments', async () => {
    const { a } = fixture.seeded;
    const ids = [
      await payment(a.scope.orgId, { amountCents: 43_210, payerName: 'LANCHONETE PONTO CERTO' }),
      await payment(a.scope.orgId, { amountCents: 9_990, payerName: 'JOSE DOIS', paidOn: '2026-01-12' }),
      await payment(a.scope.orgId, { amountCents: 777, memo: 'PIX' }),
    ];
    const results = await candidatesOf(a.scope.orgId, ids);
    expect(results.map((r) => r.paymentId)).toEqual(ids);
    expect(results[0]?.candidates[0]?.debtorName).toBe('Lanchonete Ponto Certo Ltda');
    expect(results[1]?.candidates[0]?.receivableIds).toEqual([id('D-1')]);
    expect(results[2]).toMatchObject({ decision: 'none', candidates: [] });
  });
});

describe('the golden set through the database', () => {
  it('finds and decides as the pure scoring does: auto decisions right, most payments found first', async () => {
    const db = fixture.db;
    const org = await createOrganization(db, { slug: 'golden', name: 'Golden' });
    const creditorIds = new Map<number, number>();
    for (const c of golden.creditors) {
      const [row] = await db.query<{ id: number }>(
        `insert into creditors (org_id, cnpj, legal_name, multa_percent, juros_monthly_percent, correction,
                multa_cap_percent_companies)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`,
        [
          org.id,
          cnpjFromBase(`9876543${c.id}0001`),
          c.name,
          c.terms.multaPercent,
          c.terms.jurosMonthlyPercent,
          c.terms.correction,
          c.terms.multaCapPercentForCompanies ?? '2',
        ],
      );
      if (row) creditorIds.set(c.id, row.id);
    }
    const debtorIds = new Map<number, number>();
    for (const d of golden.debtors) {
      const [row] = await db.query<{ id: number }>(
        `insert into debtors (org_id, creditor_id, kind, document, name) values ($1, $2, $3, $4, $5) returning id`,
        [org.id, creditorIds.get(d.creditorId), d.kind, d.document, d.name],
      );
      if (row) debtorIds.set(d.id, row.id);
    }
    const goldenId = new Map<number, number>();
    const goldenDebtor = new Map<number, number>();
    for (const r of golden.receivables) {
      const debtor = golden.debtors.find((d) => d.id === r.debtorId);
      const [row] = await db.query<{ id: number }>(
        `insert into receivables (org_id, creditor_id, debtor_id, external_id, document_number, due_date,
                original_cents, open_cents, status)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
        [
          org.id,
          creditorIds.get(debtor?.creditorId ?? 0),
          debtorIds.get(r.debtorId),
          r.externalId,
          r.documentNumber,
          r.dueDate,
          r.originalCents,
          r.openCents,
          r.openCents < r.originalCents ? 'partially_paid' : 'open',
        ],
      );
      if (row) {
        goldenId.set(row.id, r.id);
        goldenDebtor.set(row.id, r.debtorId);
      }
    }
    const lines = golden.lines as Array<{
      id: string;
      amountCents: number;
      paidOn: string;
      payerDocument: string | null;
      payerName: string | null;
      memo: string | null;
      expected: { receivables: number[] } | { debtor: number } | null;
    }>;
    const paymentLine = new Map<number, (typeof lines)[number]>();
    for (const line of lines) paymentLine.set(await payment(org.id, line), line);
    const results = await withTenant(db, org.id, (tx) =>
      findCandidates(tx, org.id, [...paymentLine.keys()], { tables: {} }),
    );
    let payments = 0;
    let auto = 0;
    let autoRight = 0;
    let top1Right = 0;
    let shown = 0;
    for (const result of results) {
      const line = paymentLine.get(result.paymentId);
      const best = result.candidates[0];
      if (line?.expected) payments++;
      if (!line || result.decision === 'none' || !best) continue;
      shown++;
      const expected = line.expected;
      const got = best.receivableIds.map((dbId) => goldenId.get(dbId) ?? 0).sort((x, y) => x - y);
      const right =
        expected !== null &&
        ('debtor' in expected
          ? goldenDebtor.get(best.receivableIds[0] ?? 0) === expected.debtor
          : JSON.stringify([...expected.receivables].sort((x, y) => x - y)) === JSON.stringify(got));
      if (right) top1Right++;
      if (result.decision === 'auto') {
        auto++;
        if (right) autoRight++;
      }
    }
    process.stdout.write(
      `golden set through findCandidates (${results.length} lines, ${payments} payments): auto ${auto}, precision ` +
        `${((autoRight / auto) * 100).toFixed(1)}%, recall ${((autoRight / payments) * 100).toFixed(1)}%; top-1 precision ` +
        `${((top1Right / shown) * 100).toFixed(1)}%, recall ${((top1Right / payments) * 100).toFixed(1)}%\n`,
    );
    // Measured: auto precision 100%, top-1 recall 90.2%, a few points under the pure scoring's 93.1%: the
    // payer's name is not searched (several receivables of different amounts paid by a debtor who
    // gives only a name; an updated total among many equal balances) and neither is a CNPJ root.
    expect(results).toHaveLength(lines.length);
    expect(autoRight / auto).toBeGreaterThanOrEqual(0.98);
    expect(top1Right / payments).toBeGreaterThanOrEqual(0.87);
  });
});
