import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/access/accounts.ts';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv, PASSWORD } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp();
  await addMember(app.db, {
    orgId: app.seeded.a.scope.orgId,
    email: 'dpo@alfa.test',
    name: 'DPO',
    password: PASSWORD,
    role: 'admin',
  });
});
afterAll(() => app.close());

describe('LGPD access request', () => {
  it('exports everything held about a CPF, by controller, only within the organization, and audits the export', async () => {
    // The same person also owes the second creditor, and a rejected row of a file mentions her.
    await importCsv(
      app.db,
      app.seeded.a.scope,
      app.seeded.a.otherCreditorId,
      'id;cpf_cnpj;nome;vencimento;valor\nL-1;529.982.247-25;Maria S.;10/01/2026;55,00\nL-2;529.982.247-25;;10/01/2026;1,00\n',
    );
    const dpo = await loginAs(app.url, 'dpo@alfa.test');
    const response = await dpo('/api/v1/lgpd/subjects/529.982.247-25/export');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('lgpd-52998224725.json');
    const data = (await response.json()) as {
      subject: { document: string };
      controllers: {
        creditor: { legalName: string };
        debtor: { name: string; emails: string[] };
        receivables: { external_id: string }[];
      }[];
      rejectedImportRows: { line: number; reason: string }[];
    };
    expect(data.subject.document).toBe('52998224725');
    expect(
      data.controllers.map((c) => [
        c.creditor.legalName,
        c.debtor.name,
        c.receivables.map((r) => r.external_id),
      ]),
    ).toEqual([
      ['Cliente Dois SA', 'Maria S.', ['L-1']],
      ['Cliente Um Ltda', 'Maria da Silva', ['T-1', 'T-2']],
    ]);
    expect(data.controllers[1]?.debtor.emails).toEqual(['maria@example.com']);
    expect(data.rejectedImportRows).toEqual([expect.objectContaining({ line: 3 })]);
    // The other organization holds the same CPF; nothing of it appears here.
    expect(JSON.stringify(data)).not.toContain('Maria na Beta');
    const [audit] = await app.db.query<{ action: string; entity_id: string }>(
      `select action, entity_id from audit_log where action = 'lgpd.subject_exported'`,
    );
    expect(audit?.entity_id).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect((await dpo('/api/v1/lgpd/subjects/123/export')).status).toBe(400);
  });
});
