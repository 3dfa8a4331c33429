import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { registerPendingCharges } from '../../src/payments/collectionAccount.ts';
import { parsePix } from '../../src/payments/pix.ts';
import { pixWebhookToken } from '../../src/payments/pixWebhook.ts';
import { createPspClient } from '../../src/payments/psp.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { type BcbPixServer, startBcbPixServer } from '../support/bcbPix.ts';
import { PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let psp: BcbPixServer;
let admin: Awaited<ReturnType<typeof loginAs>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let orgId = 0;
let mariaId = 0;
const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
type Agreement = {
  id: number;
  status: string;
  paidCents: number;
  installments: Array<{ number: number; amountCents: number; status: string; pixCopiaECola: string | null }>;
};

beforeAll(async () => {
  psp = await startBcbPixServer({ chaves: ['11222333000181'] });
  app = await startTestApp({ worker: false });
  orgId = app.seeded.a.scope.orgId;
  await addMember(app.db, {
    orgId,
    email: 'admin@alfa.test',
    name: 'Admin Alfa',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  manager = await loginAs(app.url, app.seeded.users.manager);
  const [maria] = await app.db.query<{ id: number }>(
    `select id from debtors where org_id = $1 and name = 'Maria da Silva'`,
    [orgId],
  );
  mariaId = maria?.id ?? 0;
  await app.db.query(
    `update debtors set street = 'Rua das Flores', number = '10', district = 'Centro', city = 'São Paulo', cep = '01001000'
      where id = $1`,
    [mariaId],
  );
  await app.db.query(`update creditors set pix_key = '11222333000181' where id = $1`, [app.creditor.id]);
  // The PSP calls our Pix webhook, as the creditor registered it.
  const token = pixWebhookToken(app.config.secretKey ?? Buffer.alloc(32), orgId);
  await createPspClient({
    baseUrl: psp.url,
    clientId: psp.clientId,
    clientSecret: psp.clientSecret,
  }).setWebhook('11222333000181', `${app.url}/webhooks/pix/${orgId}/${token}`);
});
afterAll(async () => {
  await app.close();
  await psp.close();
});

describe('boletos registered by remessa, Pix charged through the PSP', () => {
  it('keeps the collection account, the PSP secret encrypted and never shown', async () => {
    const account = {
      boleto: { agency: '1234-5', account: '12345-6', convenio: '1234567', carteira: '17' },
      psp: { url: psp.url, clientId: psp.clientId, clientSecret: psp.clientSecret },
    };
    expect(
      (await manager(`/api/v1/creditors/${app.creditor.id}/collection-account`, json('PUT', account))).status,
    ).toBe(403);
    const bad = await admin(
      `/api/v1/creditors/${app.creditor.id}/collection-account`,
      json('PUT', { ...account, boleto: { ...account.boleto, convenio: '12' } }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toContain('7 dígitos');
    const saved = await admin(
      `/api/v1/creditors/${app.creditor.id}/collection-account`,
      json('PUT', account),
    );
    expect(saved.status).toBe(200);
    const shown = JSON.stringify(
      await (await admin(`/api/v1/creditors/${app.creditor.id}/collection-account`)).json(),
    );
    expect(shown).toContain('"hasSecret":true');
    expect(shown).not.toContain(psp.clientSecret);
    const [stored] = await app.db.query<{ secret: string }>(
      'select psp_client_secret as secret from creditors where id = $1',
      [app.creditor.id],
    );
    expect(stored?.secret.startsWith('v1:')).toBe(true);
  });

  let agreement: Agreement;
  it('an agreement’s payments get cobv charges at the PSP, and a Pix paid there pays the installment', async () => {
    const created = await manager(
      `/api/v1/debtors/${mariaId}/agreements`,
      json('POST', { offerKey: 'parcelado-3' }),
    );
    expect(created.status).toBe(201);
    agreement = (await created.json()) as Agreement;
    const txids = await app.db.query<{ txid: string; amountCents: number }>(
      `select psp_txid as txid, amount_cents as "amountCents" from agreement_installments where agreement_id = $1 order by number`,
      [agreement.id],
    );
    expect(txids).toHaveLength(3);
    for (const [index, i] of agreement.installments.entries()) {
      const txid = txids[index]?.txid ?? '';
      expect(txid).toMatch(new RegExp(`^RG${orgId}A${agreement.id}N${i.number}[A-Za-z][A-Za-z0-9]*$`));
      expect(psp.charge(txid)).toMatchObject({ kind: 'cobv', status: 'ATIVA' });
      expect(parsePix(i.pixCopiaECola ?? '')).toMatchObject({ ok: true });
    }
    const first = txids[0];
    if (!first) throw new Error('no installment');
    const paid = await psp.pay(first.txid);
    expect(paid.delivery?.status).toBe(200);
    const now = (await (await manager(`/api/v1/agreements/${agreement.id}`)).json()) as Agreement;
    expect(now.installments[0]?.status).toBe('paid');
    expect(now.paidCents).toBe(first.amountCents);
    // The PSP delivering the same Pix again changes nothing.
    const again = await fetch(paid.delivery?.url ?? '', json('POST', { pix: [paid.pix] }));
    expect(await again.json()).toMatchObject({ received: 0, duplicates: 1 });
  });

  it('a charge the PSP could not take is registered later, under the same txid', async () => {
    const [padaria] = await app.db.query<{ id: number }>(
      `select id from debtors where org_id = $1 and document = '11222333000181'`,
      [orgId],
    );
    psp.failNext(3, { status: 503 });
    const created = await manager(
      `/api/v1/debtors/${padaria?.id}/agreements`,
      json('POST', { offerKey: 'avista' }),
    );
    expect(created.status).toBe(201);
    const deal = (await created.json()) as Agreement;
    expect(deal.installments[0]?.pixCopiaECola).toBeNull();
    const retried = await registerPendingCharges(app.db, orgId, app.config.secretKey);
    expect(retried).toEqual({ registered: 1, failed: [] });
    const after = (await (await manager(`/api/v1/agreements/${deal.id}`)).json()) as Agreement;
    expect(parsePix(after.installments[0]?.pixCopiaECola ?? '')).toMatchObject({ ok: true });
    expect(
      (await manager(`/api/v1/agreements/${deal.id}/cancel`, json('POST', { reason: 'teste' }))).status,
    ).toBe(200);
  });

  it('registers the boletos in a CNAB 240 remessa, and writes off the cancelled ones', async () => {
    const made = await manager(`/api/v1/creditors/${app.creditor.id}/remessas`, { method: 'POST' });
    expect(made.status).toBe(201);
    const remessa = (await made.json()) as {
      id: number;
      nsa: number;
      registered: number;
      writtenOff: number;
      refused: Array<{ seuNumero: string; problems: string[] }>;
    };
    // Maria's two open payments go in; the Padaria's cancelled cash payment was never registered.
    expect(remessa).toMatchObject({ nsa: 1, registered: 2, writtenOff: 0, refused: [] });
    const file = await manager(`/api/v1/remessas/${remessa.id}/file`);
    const lines = (await file.text()).split('\r\n').filter(Boolean);
    for (const line of lines) expect(line).toHaveLength(240);
    expect(lines.filter((l) => l[13] === 'P')).toHaveLength(2);
    expect(lines.filter((l) => l[13] === 'P').every((l) => l.slice(15, 17) === '01')).toBe(true);
    expect((await manager(`/api/v1/creditors/${app.creditor.id}/remessas`, { method: 'POST' })).status).toBe(
      409,
    );

    expect(
      (await manager(`/api/v1/agreements/${agreement.id}/cancel`, json('POST', { reason: 'desistiu' })))
        .status,
    ).toBe(200);
    // The PSP's charges of the cancelled payments are removed.
    const removed = await app.db.query<{ txid: string }>(
      `select i.psp_txid as txid from agreement_installments i join receivables r on r.id = i.receivable_id
        where i.agreement_id = $1 and r.status = 'cancelled'`,
      [agreement.id],
    );
    for (const r of removed) expect(psp.charge(r.txid)?.status).toBe('REMOVIDA_PELO_USUARIO_RECEBEDOR');
    const baixa = (await (
      await manager(`/api/v1/creditors/${app.creditor.id}/remessas`, { method: 'POST' })
    ).json()) as {
      id: number;
      nsa: number;
      writtenOff: number;
    };
    expect(baixa).toMatchObject({ nsa: 2, writtenOff: 2 });
    const baixaLines = (await (await manager(`/api/v1/remessas/${baixa.id}/file`)).text()).split('\r\n');
    expect(baixaLines.filter((l) => l[13] === 'P').every((l) => l.slice(15, 17) === '02')).toBe(true);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect((await other(`/api/v1/remessas/${baixa.id}/file`)).status).toBe(404);
  });
});
