import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { ANONYMIZED_NAME, applyRetention } from '../../src/lgpd/anonymize.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { pdfText } from '../support/pdf.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let dpo: Awaited<ReturnType<typeof loginAs>>;

const debtor = async (document: string) =>
  (
    await app.db.query<{
      id: number;
      name: string;
      document: string;
      emails: string[];
      phones: string[];
      street: string | null;
    }>(
      `select id, name, document, emails, phones, street from debtors where org_id = $1 and id = (
         select id from debtors where org_id = $1 and document = $2)`,
      [app.seeded.a.scope.orgId, document],
    )
  )[0];

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'dpo@alfa.test',
    name: 'DPO',
    password: PASSWORD,
    role: 'admin',
  });
  dpo = await loginAs(app.url, 'dpo@alfa.test');
  // Paid debts: Ana closed recently, Pedro and Carla long ago.
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    [
      'id;cpf_cnpj;nome;email;telefone;endereco;cidade;uf;cep;vencimento;valor;saldo',
      'P-1;111.444.777-35;Ana Lima;ana@example.com;(11) 98888-1111;Rua A 1;Santos;SP;11000000;2026-01-10;80,00;0,00',
      'P-2;935.411.347-80;Pedro Alves;pedro@example.com;(11) 98888-2222;Rua B 2;Santos;SP;11000000;2019-01-10;90,00;0,00',
      'P-3;123.456.789-09;Carla Dias;carla@example.com;(11) 98888-3333;Rua C 3;Santos;SP;11000000;2019-01-10;70,00;0,00',
    ].join('\n'),
  );
  await app.db.query(
    `update receivables set updated_at = now() - interval '6 years' where org_id = $1 and external_id in ('P-2', 'P-3')`,
    [app.seeded.a.scope.orgId],
  );
  await app.db.query(
    `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, subject, body, status)
     select org_id, creditor_id, id, 'email', 'reminder', 'old:' || id, emails[1], 'Aviso', 'Olá ' || name, 'sent'
       from debtors where org_id = $1 and document in ('93541134780', '11144477735')`,
    [app.seeded.a.scope.orgId],
  );
});
afterAll(() => app.close());

describe('LGPD erasure and retention', () => {
  it('the access export also comes as a readable PDF', async () => {
    const response = await dpo('/api/v1/lgpd/subjects/529.982.247-25/export.pdf');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await response.arrayBuffer()));
    expect(text).toContain('CPF 529.982.247-25');
    expect(text).toContain('Controlador: Cliente Um Ltda (CNPJ 11.222.333/0001-81)');
    expect(text).toContain('Nome: Maria da Silva');
    expect(text).toContain('NF-100: vencimento 2026-01-31, valor R$ 1.234,56');
  });

  it('keeps the data of an open debt, erases the contacts of a closed one and keeps its records for 5 years', async () => {
    const open = await dpo('/api/v1/lgpd/subjects/529.982.247-25/anonymize', { method: 'POST' });
    expect(
      ((await open.json()) as { debtors: Array<{ status: string }> }).debtors.map((d) => d.status),
    ).toEqual(['kept']);
    expect((await debtor('52998224725'))?.name).toBe('Maria da Silva');

    const recent = (await (
      await dpo('/api/v1/lgpd/subjects/111.444.777-35/anonymize', { method: 'POST' })
    ).json()) as {
      debtors: Array<{ status: string; reason: string }>;
    };
    expect(recent.debtors).toEqual([
      expect.objectContaining({ status: 'contacts_erased', reason: expect.stringContaining('5 anos') }),
    ]);
    expect(await debtor('11144477735')).toMatchObject({
      name: 'Ana Lima',
      emails: [],
      phones: [],
      street: null,
    });
    // Her message log stays, as a financial record.
    const [log] = await app.db.query<{ body: string }>(
      `select body from outbound_messages where idempotency_key = 'old:' || (select id from debtors where document = '11144477735')`,
    );
    expect(log?.body).toBe('Olá Ana Lima');
  });

  it('anonymizes a subject whose debt closed more than 5 years ago, messages included, and audits it', async () => {
    const result = (await (
      await dpo('/api/v1/lgpd/subjects/935.411.347-80/anonymize', { method: 'POST' })
    ).json()) as {
      debtors: Array<{ status: string }>;
    };
    expect(result.debtors.map((d) => d.status)).toEqual(['anonymized']);
    const [pedro] = await app.db.query<{ name: string; document: string; emails: string[] }>(
      `select name, document, emails from debtors where org_id = $1 and name = $2`,
      [app.seeded.a.scope.orgId, ANONYMIZED_NAME],
    );
    expect(pedro?.document).not.toBe('93541134780');
    expect(pedro?.emails).toEqual([]);
    const [message] = await app.db.query<{ body: string | null; toAddress: string | null }>(
      `select m.body, m.to_address as "toAddress" from outbound_messages m join debtors d on d.org_id = m.org_id and d.id = m.debtor_id
        where d.name = $1`,
      [ANONYMIZED_NAME],
    );
    expect(message).toEqual({ body: null, toAddress: null });
    // The amounts stay: the portfolio's figures do not change.
    const [paid] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from receivables where external_id = 'P-2' and original_cents = 9000`,
    );
    expect(paid?.n).toBe(1);
    const export_ = (await (await dpo('/api/v1/lgpd/subjects/935.411.347-80/export')).json()) as {
      controllers: unknown[];
    };
    expect(export_.controllers).toEqual([]);
    const [audit] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'lgpd.subject_anonymization'`,
    );
    expect(audit?.n).toBe(3);
  });

  it('the retention job anonymizes what is past 5 years, and only that', async () => {
    await app.db.query(
      `insert into login_attempts (email, ip, succeeded, at)
       values ('old@x.test', '10.0.0.1', false, now() - interval '31 days'), ('new@x.test', '10.0.0.1', false, now())`,
    );
    expect(await applyRetention(app.db, new Date(), { dryRun: true })).toEqual({
      anonymized: 1,
      dryRun: true,
    });
    expect((await debtor('12345678909'))?.name).toBe('Carla Dias');
    expect(await applyRetention(app.db)).toEqual({ anonymized: 1, dryRun: false });
    expect(await debtor('12345678909')).toBeUndefined();
    expect(await applyRetention(app.db)).toEqual({ anonymized: 0, dryRun: false });
    const attempts = await app.db.query<{ email: string }>(
      `select email from login_attempts where email like '%@x.test'`,
    );
    expect(attempts.map((a) => a.email)).toEqual(['new@x.test']);
    expect((await debtor('11144477735'))?.name).toBe('Ana Lima');
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect(
      (await collector('/api/v1/lgpd/subjects/111.444.777-35/anonymize', { method: 'POST' })).status,
    ).toBe(403);
  });
});
