import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakOverdueAgreements } from '../../src/payments/agreements.ts';
import { parsePix } from '../../src/payments/pix.ts';
import { pixWebhookToken } from '../../src/payments/pixWebhook.ts';
import { addDays, todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { pdfText } from '../support/pdf.ts';
import { importCsv, SAMPLE_CSV } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let mariaId = 0;
let orgId = 0;
const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

type Agreement = {
  id: number;
  status: string;
  totalCents: number;
  paidCents: number;
  endReason: string | null;
  originals: Array<{ receivableId: number; openCentsBefore: number; returnedCents: number | null }>;
  installments: Array<{
    number: number;
    receivableId: number;
    dueDate: string;
    amountCents: number;
    status: string;
    pixCopiaECola: string | null;
    boletoLine: string | null;
  }>;
};
type Offers = { totalCents: number; offers: Array<{ key: string; totalCents: number }> };

const receivablesOf = (debtorId: number) =>
  app.db.query<{ id: number; externalId: string; status: string; openCents: number }>(
    `select id, external_id as "externalId", status, open_cents as "openCents" from receivables
      where debtor_id = $1 order by id`,
    [debtorId],
  );

async function payPix(txid: string, cents: number, endToEndId: string) {
  const token = pixWebhookToken(app.config.secretKey ?? Buffer.alloc(32), orgId);
  const valor = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  const response = await fetch(`${app.url}/webhooks/pix/${orgId}/${token}/pix`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pix: [{ endToEndId, txid, valor, horario: new Date().toISOString() }] }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  orgId = app.seeded.a.scope.orgId;
  manager = await loginAs(app.url, app.seeded.users.manager);
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [orgId],
  );
  mariaId = maria?.id ?? 0;
  const terms = await manager(
    `/api/v1/creditors/${app.creditor.id}/terms`,
    json('PUT', {
      multaPercent: '2',
      jurosMonthlyPercent: '1',
      correction: 'none',
      multaCapPercentForCompanies: '2',
      pixKey: '11.222.333/0001-81',
      pixMerchantName: 'Cliente Um',
      pixCity: 'São Paulo',
    }),
  );
  expect(terms.status).toBe(200);
  const policy = await manager(
    `/api/v1/creditors/${app.creditor.id}/negotiation-policy`,
    json('PUT', {
      discountByDaysLate: [{ maxDaysLate: 365, maxDiscountPercent: '50', appliesTo: 'charges' }],
      maxInstallments: 6,
      minInstallmentCents: 10_000,
      downPaymentPercent: '10',
      installmentMonthlyRatePercent: '0',
      installmentOptions: [3],
      firstDueInDays: 3,
      breakToleranceDays: 5,
    }),
  );
  expect(policy.status).toBe(200);
});
afterAll(() => app.close());

describe('agreements (acordos)', () => {
  let plan: Agreement;

  it('accepting an offer makes an agreement whose payments are receivables with their own Pix', async () => {
    const offers = (await (await manager(`/api/v1/debtors/${mariaId}/offers`)).json()) as Offers;
    const three = offers.offers.find((o) => o.key === 'parcelado-3');
    expect(three).toBeDefined();
    const stale = await manager(
      `/api/v1/debtors/${mariaId}/agreements`,
      json('POST', { offerKey: 'parcelado-3', expectedTotalCents: (three?.totalCents ?? 0) - 1 }),
    );
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { detail: string }).detail).toContain('mudou');

    const request = {
      offerKey: 'parcelado-3',
      expectedTotalCents: three?.totalCents,
      requestKey: 'acordo-maria-1',
    };
    const created = await manager(`/api/v1/debtors/${mariaId}/agreements`, json('POST', request));
    expect(created.status).toBe(201);
    plan = (await created.json()) as Agreement;
    expect(plan).toMatchObject({ status: 'active', totalCents: three?.totalCents, paidCents: 0 });
    expect(plan.installments).toHaveLength(3);
    expect(plan.installments.reduce((sum, i) => sum + i.amountCents, 0)).toBe(plan.totalCents);
    for (const i of plan.installments) {
      const pix = parsePix(i.pixCopiaECola ?? '');
      expect(pix).toMatchObject({
        ok: true,
        fields: { amountCents: i.amountCents, txid: `RGA${plan.id}N${i.number}` },
      });
    }
    // A retried request makes no second agreement.
    const again = await manager(`/api/v1/debtors/${mariaId}/agreements`, json('POST', request));
    expect(((await again.json()) as Agreement).id).toBe(plan.id);

    const rows = await receivablesOf(mariaId);
    expect(rows.filter((r) => r.status === 'in_agreement').map((r) => r.externalId)).toEqual(['T-1', 'T-2']);
    expect(rows.filter((r) => r.externalId.startsWith('ACORDO-'))).toHaveLength(3);
    // The installments cannot be renegotiated into a second agreement while this one runs.
    const second = await manager(
      `/api/v1/debtors/${mariaId}/agreements`,
      json('POST', { offerKey: 'avista' }),
    );
    expect(second.status).toBe(409);
  });

  it('the ERP’s file imported again does not undo the agreement', async () => {
    await importCsv(app.db, app.seeded.a.scope, app.creditor.id, SAMPLE_CSV);
    const rows = await receivablesOf(mariaId);
    expect(rows.filter((r) => r.status === 'in_agreement').map((r) => r.externalId)).toEqual(['T-1', 'T-2']);
  });

  it('a Pix for an installment pays that installment', async () => {
    const first = plan.installments[0];
    if (!first) throw new Error('no installment');
    await payPix(`RGA${plan.id}N1`, first.amountCents, 'E12345678202611221200agreement01');
    const now = (await (await manager(`/api/v1/agreements/${plan.id}`)).json()) as Agreement;
    expect(now.paidCents).toBe(first.amountCents);
    expect(now.installments[0]?.status).toBe('paid');
    expect(now.status).toBe('active');
  });

  it('an installment late beyond the tolerance breaks it: the originals come back net of what was paid', async () => {
    const second = plan.installments[1];
    if (!second) throw new Error('no installment');
    // Still within the tolerance: nothing happens.
    expect(await breakOverdueAgreements(app.db, orgId, addDays(second.dueDate, 5))).toBe(0);
    expect(await breakOverdueAgreements(app.db, orgId, addDays(second.dueDate, 6))).toBe(1);
    const broken = (await (await manager(`/api/v1/agreements/${plan.id}`)).json()) as Agreement;
    expect(broken.status).toBe('broken');
    expect(broken.endReason).toContain('Pagamento 2');
    expect(broken.installments.map((i) => i.status)).toEqual(['paid', 'cancelled', 'cancelled']);
    const paid = plan.installments[0]?.amountCents ?? 0;
    // What was paid comes off the oldest original first.
    const [t1, t2] = broken.originals;
    expect(t1?.returnedCents).toBe((t1?.openCentsBefore ?? 0) - paid);
    expect(t2?.returnedCents).toBe(t2?.openCentsBefore);
    const rows = await receivablesOf(mariaId);
    expect(rows.find((r) => r.externalId === 'T-1')).toMatchObject({
      status: 'partially_paid',
      openCents: 123_456 - paid,
    });
    expect(rows.find((r) => r.externalId === 'T-2')).toMatchObject({
      status: 'partially_paid',
      openCents: 20_000,
    });
    // A file from the ERP that does not know of the payment does not raise the balance back.
    await importCsv(app.db, app.seeded.a.scope, app.creditor.id, SAMPLE_CSV);
    expect((await receivablesOf(mariaId)).find((r) => r.externalId === 'T-1')).toMatchObject({
      status: 'partially_paid',
      openCents: 123_456 - paid,
    });
    // Broken once: a second run changes nothing.
    expect(await breakOverdueAgreements(app.db, orgId, addDays(second.dueDate, 30))).toBe(0);
    const audit = await app.db.query<{ action: string }>(
      `select action from audit_log where org_id = $1 and entity = 'agreements' and entity_id = $2 order by seq`,
      [orgId, String(plan.id)],
    );
    expect(audit.map((a) => a.action)).toEqual(['agreements.created', 'agreements.broken']);
  });

  it('a cash agreement paid in full is completed: originals settled, a thank-you, a recovered customer', async () => {
    const collector = await loginAs(app.url, app.seeded.users.collector);
    const client = await loginAs(app.url, app.seeded.users.client);
    expect(
      (await client(`/api/v1/debtors/${mariaId}/agreements`, json('POST', { offerKey: 'avista' }))).status,
    ).toBe(403);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await other(`/api/v1/debtors/${mariaId}/agreements`)).status).toBe(200);
    expect(
      ((await (await other(`/api/v1/debtors/${mariaId}/agreements`)).json()) as { items: unknown[] }).items,
    ).toEqual([]);
    expect((await other(`/api/v1/agreements/${plan.id}`)).status).toBe(404);

    const offers = (await (await collector(`/api/v1/debtors/${mariaId}/offers`)).json()) as Offers;
    const cash = offers.offers.find((o) => o.key === 'avista');
    const response = await collector(
      `/api/v1/debtors/${mariaId}/agreements`,
      json('POST', { offerKey: 'avista' }),
    );
    expect(response.status).toBe(201);
    const deal = (await response.json()) as Agreement;
    expect(deal.installments).toHaveLength(1);
    expect(deal.totalCents).toBe(cash?.totalCents);
    await payPix(`RGA${deal.id}N1`, deal.totalCents, 'E12345678202611221200agreement02');
    const done = (await (await manager(`/api/v1/agreements/${deal.id}`)).json()) as Agreement;
    expect(done.status).toBe('completed');
    const rows = await receivablesOf(mariaId);
    expect(
      rows.filter((r) => ['T-1', 'T-2'].includes(r.externalId)).map((r) => [r.status, r.openCents]),
    ).toEqual([
      ['paid', 0],
      ['paid', 0],
    ]);
    const recovered = (await (await manager('/api/v1/recovered')).json()) as {
      items: Array<{ debtorId: number; reason: string; recoveredCents: number; followUntil: string }>;
    };
    expect(recovered.items).toEqual([
      expect.objectContaining({
        debtorId: mariaId,
        reason: 'agreement_completed',
        recoveredCents: deal.totalCents,
        followUntil: addDays(todayIn('America/Sao_Paulo'), 90),
      }),
    ]);
    const thanks = await app.db.query<{ channel: string; body: string }>(
      `select channel, body from outbound_messages where debtor_id = $1 and purpose = 'thank_you'`,
      [mariaId],
    );
    expect(thanks).toHaveLength(1);
    expect(thanks[0]?.channel).toBe('email');
    expect(thanks[0]?.body).toContain('Não há mais nada em aberto');
    expect((await other('/api/v1/recovered')).status).toBe(200);
    expect(((await (await other('/api/v1/recovered')).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it('prints the boleto of an installment when the creditor issues boletos', async () => {
    await app.db.query(
      `update creditors set boleto_agency = '1234-5', boleto_account = '12345-6', boleto_convenio = '1234567',
              boleto_carteira = '17' where id = $1`,
      [app.creditor.id],
    );
    const [padaria] = await app.db.query<{ id: number }>(
      `select id from debtors where org_id = $1 and document = '11222333000181'`,
      [orgId],
    );
    const response = await manager(
      `/api/v1/debtors/${padaria?.id}/agreements`,
      json('POST', { offerKey: 'parcelado-3' }),
    );
    expect(response.status).toBe(201);
    const deal = (await response.json()) as Agreement;
    const line = deal.installments[0]?.boletoLine ?? '';
    expect(line).toMatch(/^00190\.00009 /);
    const pdf = await manager(`/api/v1/agreements/${deal.id}/installments/1/boleto.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain(line);
    expect(text).toContain('Cliente Um Ltda');
    // Cancelled by a manager: the originals come back whole.
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect(
      (await collector(`/api/v1/agreements/${deal.id}/cancel`, json('POST', { reason: 'pedido do cliente' })))
        .status,
    ).toBe(403);
    const cancelled = await manager(
      `/api/v1/agreements/${deal.id}/cancel`,
      json('POST', { reason: 'pedido do cliente' }),
    );
    expect(((await cancelled.json()) as Agreement).status).toBe('cancelled');
    const rows = await receivablesOf(padaria?.id ?? 0);
    expect(rows.find((r) => r.externalId === 'T-3')).toMatchObject({ status: 'open', openCents: 1_000_000 });
    expect((await manager(`/api/v1/agreements/${deal.id}/installments/1/boleto.pdf`)).status).toBe(409);
  });
});
