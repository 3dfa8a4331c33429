import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { dispatchBatch } from '../../src/channels/dispatcher.ts';
import { providerResolver } from '../../src/channels/providers.ts';
import { DEFAULT_SETTINGS } from '../../src/dunning/definition.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { pdfText } from '../support/pdf.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let admin: Awaited<ReturnType<typeof loginAs>>;
const SENT_ON = '2030-03-12';

const json = (method: string, body: unknown) => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'admin@alfa.test',
    name: 'Admin',
    password: PASSWORD,
    role: 'admin',
  });
  admin = await loginAs(app.url, 'admin@alfa.test');
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;documento;cpf_cnpj;nome;endereco;bairro;cidade;uf;cep;vencimento;valor\nL-1;NF-900;390.533.447-05;José Souza;Rua das Flores 10;Centro;Campinas;SP;13010000;2026-02-02;300,00\n',
  );
  expect(
    (
      await admin(
        '/api/v1/channel-providers/letter',
        json('PUT', { provider: 'print', settings: { costCents: 290 } }),
      )
    ).status,
  ).toBe(200);
  const created = await admin(
    `/api/v1/creditors/${app.creditor.id}/cadences`,
    json('POST', {
      name: 'Notificação',
      definition: {
        settings: DEFAULT_SETTINGS,
        segments: [
          {
            key: 'todos',
            name: 'Todos',
            rules: {},
            steps: [
              {
                key: 'notificacao',
                offsetDays: 1,
                channel: 'letter',
                purpose: 'prior_notice',
                template: {
                  subject: 'Notificação de débito',
                  body: 'Prezado(a) {{debtor.name}},\n\nConstam em aberto:\n{{receivables}}\n\nTotal: {{total}}.\n\n{{creditor.name}} · CNPJ {{creditor.cnpj}}',
                },
              },
            ],
          },
        ],
      },
    }),
  );
  const version = (await created.json()) as { id: number };
  await admin(`/api/v1/cadence-versions/${version.id}/activate`, { method: 'POST' });
  await admin('/api/v1/plan/run', json('POST', { date: '2026-02-03' }));
  const channels = providerResolver(app.db, { secretKey: null, publicUrl: app.url });
  await dispatchBatch(app.db, { workerId: 'test', channels, now: () => new Date(`${SENT_ON}T13:00:00Z`) });
  channels.close();
});
afterAll(() => app.close());

describe('letters', () => {
  it('a letter joins the day’s print batch, at the provider’s cost', async () => {
    const [message] = await app.db.query<{ status: string; provider: string; costCents: number }>(
      `select status, provider, cost_cents as "costCents" from outbound_messages where channel = 'letter'`,
    );
    expect(message).toEqual({ status: 'sent', provider: 'print', costCents: 290 });
    const list = (await (await admin(`/api/v1/letters?date=${SENT_ON}`)).json()) as {
      items: Array<{ debtorName: string; purpose: string; cep: string }>;
    };
    expect(list.items).toEqual([
      expect.objectContaining({ debtorName: 'José Souza', purpose: 'prior_notice', cep: '13010000' }),
    ]);
    expect(
      ((await (await admin('/api/v1/letters?date=2030-03-13')).json()) as { items: unknown[] }).items,
    ).toEqual([]);
  });

  it('prints the batch as a PDF with the creditor’s identification, the address and the itemized debt', async () => {
    const response = await admin(`/api/v1/letters/batch.pdf?date=${SENT_ON}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    expect(text).toContain('Cliente Um Ltda');
    expect(text).toContain('CNPJ 11.222.333/0001-81');
    expect(text).toContain('José Souza');
    expect(text).toContain('CEP 13010-000');
    expect(text).toContain('Notificação de débito');
    expect(text).toContain('- NF-900: R$ 300,00, vencimento 02/02/2026');
    expect(text).toContain('notificação prévia');
    const manifest = await (await admin(`/api/v1/letters/batch.csv?date=${SENT_ON}`)).text();
    expect(manifest.split('\r\n')[1]).toMatch(
      /^"\d+";"José Souza";"390\.533\.447-05";"Rua das Flores 10";"Centro";"Campinas";"SP";"13010-000";"notificação prévia"$/,
    );
    const [audit] = await app.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'export.letters'`,
    );
    expect(audit?.n).toBe(2);
  });

  it('a collector may not print batches; another organization sees no letters', async () => {
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect((await collector(`/api/v1/letters/batch.pdf?date=${SENT_ON}`)).status).toBe(403);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    const list = (await (await other(`/api/v1/letters?date=${SENT_ON}`)).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
    const [message] = await app.db.query<{ id: number }>(
      `select id from outbound_messages where channel = 'letter'`,
    );
    expect((await other(`/api/v1/messages/${message?.id}/letter.pdf`)).status).toBe(404);
    expect((await admin(`/api/v1/messages/${message?.id}/letter.pdf`)).status).toBe(200);
  });
});
