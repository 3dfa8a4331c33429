import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePix } from '../../src/payments/pix.ts';
import { pixWebhookToken } from '../../src/payments/pixWebhook.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let mariaId = 0;
const put = (body: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const TERMS = {
  multaPercent: '2',
  jurosMonthlyPercent: '1',
  correction: 'none',
  multaCapPercentForCompanies: '2',
  pixKey: '11.222.333/0001-81',
  pixMerchantName: 'Cliente Um',
  pixCity: 'São Paulo',
};

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [app.seeded.a.scope.orgId],
  );
  mariaId = maria?.id ?? 0;
});
afterAll(() => app.close());

describe('exact, explained charges', () => {
  it('keeps the creditor’s terms, refusing a bad Pix key', async () => {
    expect(
      (await manager(`/api/v1/creditors/${app.creditor.id}/terms`, put({ ...TERMS, pixKey: 'not a key' })))
        .status,
    ).toBe(400);
    const saved = await manager(`/api/v1/creditors/${app.creditor.id}/terms`, put(TERMS));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({
      multaPercent: '2',
      jurosMonthlyPercent: '1',
      pixKey: '11222333000181',
    });
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect((await collector(`/api/v1/creditors/${app.creditor.id}/terms`, put(TERMS))).status).toBe(403);
  });

  it('explains every centavo of what the debtor owes, and the Pix asks for exactly that', async () => {
    const response = await manager(`/api/v1/debtors/${mariaId}/charges?asOf=2026-03-17`);
    expect(response.status).toBe(200);
    const charges = (await response.json()) as {
      totalCents: number;
      receivables: Array<{
        externalId: string;
        totalCents: number;
        components: Array<{ kind: string; cents: number; explanation: string }>;
      }>;
      pix: { copiaECola: string; qrSvg: string } | null;
    };
    // NF-100: R$ 1.234,56 due 2026-01-31 (a Saturday), 45 days late: multa 2% = 24,69; juros 1% a.m. x 45/30 = 18,52.
    expect(charges.receivables[0]?.components.map((c) => [c.kind, c.cents])).toEqual([
      ['principal', 123_456],
      ['multa', 2_469],
      ['juros', 1_852],
    ]);
    // NF-101: R$ 200,00 due 2026-02-28, 17 days late: multa 4,00; juros 1,13.
    expect(charges.receivables[1]?.components.map((c) => [c.kind, c.cents])).toEqual([
      ['principal', 20_000],
      ['multa', 400],
      ['juros', 113],
    ]);
    for (const r of charges.receivables) {
      expect(r.components.reduce((sum, c) => sum + c.cents, 0)).toBe(r.totalCents);
      for (const c of r.components) expect(c.explanation.length).toBeGreaterThan(10);
    }
    expect(charges.totalCents).toBe(148_290);
    const pix = parsePix(charges.pix?.copiaECola ?? '');
    expect(pix).toMatchObject({
      ok: true,
      fields: { key: '11222333000181', amountCents: 148_290, name: 'Cliente Um', city: 'Sao Paulo' },
    });
    expect(charges.pix?.qrSvg).toContain('<svg');
  });

  it('messages can carry the Pix copia-e-cola for what they ask', async () => {
    const preview = (await (
      await manager('/api/v1/templates/preview', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          debtorId: mariaId,
          channel: 'whatsapp',
          template: {
            body: 'Pague {{total}} com o Pix: {{pix.copiaECola}} {{creditor.name}} {{creditor.cnpj}}',
          },
        }),
      })
    ).json()) as { body: string; missing: string[] };
    expect(preview.missing).toEqual([]);
    // The payload may hold spaces (the merchant's name); it ends with its CRC.
    const payload = /Pix: (.+?6304[0-9A-F]{4})/.exec(preview.body)?.[1] ?? '';
    expect(parsePix(payload)).toMatchObject({ ok: true, fields: { amountCents: 143_456 } });
  });

  it('before the due date rolls past a weekend, nothing but the principal is due', async () => {
    const monday = (await (await manager(`/api/v1/debtors/${mariaId}/charges?asOf=2026-02-02`)).json()) as {
      receivables: Array<{ externalId: string; totalCents: number; openCents: number }>;
    };
    expect(monday.receivables[0]).toMatchObject({ totalCents: 123_456, openCents: 123_456 });
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await other(`/api/v1/debtors/${mariaId}/charges`)).status).toBe(404);
  });
  it('the Pix webhook takes each Pix once, by endToEndId, and allocates it by our txid', async () => {
    const admin = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await admin('/api/v1/pix/webhook')).status).toBe(200);
    const token = pixWebhookToken(app.config.secretKey ?? Buffer.alloc(32), app.seeded.a.scope.orgId);
    const url = `${app.url}/webhooks/pix/${app.seeded.a.scope.orgId}/${token}/pix`;
    const body = JSON.stringify({
      pix: [
        {
          endToEndId: 'E12345678202603171200abcdefghijk',
          txid: `RG${mariaId}D20260317`,
          valor: '1434.56',
          horario: '2026-03-17T15:00:00.000Z',
          infoPagador: 'pagamento',
        },
        { endToEndId: 'bad', valor: '1,00', horario: 'ontem' },
      ],
    });
    const post = (target: string) =>
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect((await post(url.replace(token, 'x'.repeat(32)))).status).toBe(403);
    const first = await post(url);
    expect(await first.json()).toEqual({
      received: 1,
      duplicates: 0,
      rejected: [{ index: 1, reason: 'endToEndId missing or malformed' }],
    });
    expect(await (await post(url)).json()).toMatchObject({ received: 0, duplicates: 1 });
    const payments = (await (await manager('/api/v1/payments')).json()) as {
      items: Array<{ source: string; status: string; matchedBy: string; amountCents: number }>;
    };
    expect(payments.items).toEqual([
      expect.objectContaining({
        source: 'pix',
        status: 'allocated',
        amountCents: 143_456,
        matchedBy: `txid do Pix RG${mariaId}D20260317`,
      }),
    ]);
    const [open] = await app.db.query<{ n: number }>(
      `select coalesce(sum(open_cents), 0)::int as n from receivables where debtor_id = $1`,
      [mariaId],
    );
    expect(open?.n).toBe(0);
  });
  it('proposes offers within the creditor’s policy, and refuses an unsound policy saying why', async () => {
    const bad = await manager(
      `/api/v1/creditors/${app.creditor.id}/negotiation-policy`,
      put({
        discountByDaysLate: [{ maxDaysLate: 30, maxDiscountPercent: '150', appliesTo: 'charges' }],
        maxInstallments: 12,
        minInstallmentCents: 5000,
        downPaymentPercent: '10',
        installmentMonthlyRatePercent: '1.99',
        installmentOptions: [3, 6, 12],
        firstDueInDays: 3,
      }),
    );
    expect(bad.status).toBe(400);
    const policy = {
      discountByDaysLate: [{ maxDaysLate: 365, maxDiscountPercent: '100', appliesTo: 'charges' }],
      maxInstallments: 6,
      minInstallmentCents: 10_000,
      downPaymentPercent: '10',
      installmentMonthlyRatePercent: '0',
      installmentOptions: [3, 6],
      firstDueInDays: 3,
    };
    expect(
      (await manager(`/api/v1/creditors/${app.creditor.id}/negotiation-policy`, put(policy))).status,
    ).toBe(200);
    const [padaria] = await app.db.query<{ id: number }>(
      `select id from debtors where org_id = $1 and document = '11222333000181'`,
      [app.seeded.a.scope.orgId],
    );
    const result = (await (
      await manager(`/api/v1/debtors/${padaria?.id}/offers?asOf=2026-04-30`)
    ).json()) as {
      totalCents: number;
      offers: Array<{
        key: string;
        totalCents: number;
        discountCents: number;
        downPaymentCents: number;
        installments: Array<{ amountCents: number }>;
        explanation: string[];
      }>;
    };
    // R$ 10.000,00 due 2026-03-31, 30 days late on 2026-04-30: multa 200,00 and juros 100,00.
    expect(result.totalCents).toBe(1_030_000);
    expect(result.offers.map((o) => o.key)).toEqual(['avista', 'parcelado-3', 'parcelado-6']);
    expect(result.offers[0]).toMatchObject({ totalCents: 1_000_000, discountCents: 30_000 });
    for (const offer of result.offers) {
      expect(offer.downPaymentCents + offer.installments.reduce((sum, i) => sum + i.amountCents, 0)).toBe(
        offer.totalCents,
      );
      expect(offer.explanation.length).toBeGreaterThan(0);
    }
  });
});
