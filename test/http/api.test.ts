import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp } from '../support/app.ts';
import { SAMPLE_CSV } from '../support/seed.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
beforeAll(async () => {
  app = await startTestApp({ maxUploadMb: 1 });
});
afterAll(() => app.close());

const json = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  body: (await response.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] },
});

function multipart(fields: Record<string, string>, file: { name: string; content: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file.content]), file.name);
  return form;
}

describe('HTTP API', () => {
  it('answers /health and serves the OpenAPI document', async () => {
    expect((await json(await fetch(`${app.url}/health`))).body).toMatchObject({ status: 'ok' });
    const spec = await json(await fetch(`${app.url}/docs/json`));
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths as object)).toEqual(
      expect.arrayContaining([
        '/api/v1/creditors',
        '/api/v1/receivables',
        '/api/v1/imports',
        '/api/v1/debtors/{id}',
      ]),
    );
  });

  it('refuses data routes without authentication, as problem+json', async () => {
    for (const path of ['/api/v1/creditors', '/api/v1/receivables', '/api/v1/debtors', '/api/v1/imports']) {
      const response = await json(await fetch(`${app.url}${path}`));
      expect(response.status).toBe(401);
      expect(response.type).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
    const wrong = await fetch(`${app.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: app.seeded.users.manager, password: 'wrong' }),
    });
    expect(wrong.status).toBe(401);
  });

  it('lists creditors with totals and filters receivables with cursor pagination', async () => {
    const get = await loginAs(app.url, app.seeded.users.manager);
    const creditors = await json(await get('/api/v1/creditors'));
    expect(creditors.body.items?.map((c) => c.legalName)).toEqual(['Cliente Dois SA', 'Cliente Um Ltda']);
    const first = await json(await get(`/api/v1/receivables?creditorId=${app.seeded.a.creditorId}&limit=2`));
    expect(first.body.items?.map((r) => r.externalId)).toEqual(['T-1', 'T-2']);
    const next = await json(
      await get(
        `/api/v1/receivables?creditorId=${app.seeded.a.creditorId}&limit=2&cursor=${first.body.nextCursor}`,
      ),
    );
    expect(next.body.items?.map((r) => r.externalId)).toEqual(['T-3']);
    expect(next.body.nextCursor).toBeNull();
    const partial = await json(await get('/api/v1/receivables?status=partially_paid'));
    expect(partial.body.items?.map((r) => [r.externalId, r.openCents])).toEqual([['T-2', 20000]]);
    const range = await json(await get('/api/v1/receivables?dueFrom=2026-02-01&dueTo=2026-03-31'));
    expect(range.body.items?.map((r) => r.externalId)).toEqual(['T-2', 'T-3']);
    const late = await json(await get('/api/v1/receivables?dpdMin=1'));
    expect(late.body.items?.every((r) => (r.daysPastDue as number) >= 1)).toBe(true);
    const prefix = await json(await get('/api/v1/receivables?q=NF-10'));
    expect(prefix.body.items?.map((r) => r.documentNumber)).toEqual(['NF-100', 'NF-101', 'NF-102']);
    const byName = await json(await get('/api/v1/receivables?q=padaria'));
    expect(byName.body.items?.map((r) => r.externalId)).toEqual(['T-3']);
    const bad = await json(await get('/api/v1/receivables?status=lost'));
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('unknown status lost');
  });

  it('shows a debtor with contacts and the aging of a creditor', async () => {
    const get = await loginAs(app.url, app.seeded.users.manager);
    const { body } = await json(await get('/api/v1/debtors?q=529.982.247-25'));
    const maria = body.items?.[0];
    expect(maria).toMatchObject({
      document: '52998224725',
      emails: ['maria@example.com'],
      phones: ['+5511987654321'],
      receivablesCount: 2,
    });
    const debtor = await json(await get(`/api/v1/debtors/${maria?.id}`));
    expect(debtor.body.openCents).toBe(123456 + 20000);
    const aging = await json(await get(`/api/v1/creditors/${app.seeded.a.creditorId}/aging?asOf=2026-03-15`));
    expect(aging.body.buckets).toEqual([
      { bucket: 'not_due', count: 1, openCents: 1000000 },
      { bucket: '1-30', count: 1, openCents: 20000 },
      { bucket: '31-60', count: 1, openCents: 123456 },
      { bucket: '61-90', count: 0, openCents: 0 },
      { bucket: '91-180', count: 0, openCents: 0 },
      { bucket: '180+', count: 0, openCents: 0 },
    ]);
  });

  it('keeps organizations and client companies apart', async () => {
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    const creditors = await json(await other('/api/v1/creditors'));
    expect(creditors.body.items?.map((c) => c.legalName)).toEqual(['Cliente da Beta Ltda']);
    expect((await other(`/api/v1/creditors/${app.seeded.a.creditorId}`)).status).toBe(404);
    const receivables = await json(await other('/api/v1/receivables'));
    expect(receivables.body.items?.map((r) => r.externalId)).toEqual(['B-1']);

    const client = await loginAs(app.url, app.seeded.users.client);
    const seen = await json(await client('/api/v1/creditors'));
    expect(seen.body.items?.map((c) => c.id)).toEqual([app.seeded.a.creditorId]);
    expect((await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/aging`)).status).toBe(404);
    const upload = await client(`/api/v1/imports?creditorId=${app.seeded.a.creditorId}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    });
    expect(upload.status).toBe(403);
  });

  it('imports an uploaded CSV, reports its bad rows, and adds nothing when sent again', async () => {
    const post = await loginAs(app.url, app.seeded.users.manager);
    const csv =
      'id;cpf_cnpj;nome;vencimento;valor\nU-1;390.533.447-05;José;10/09/2026;50,00\nU-2;000.000.000-01;Ninguém;10/09/2026;50,00\n';
    const upload = async () =>
      json(
        await post(`/api/v1/imports?wait=true`, {
          method: 'POST',
          body: multipart(
            { creditorId: String(app.seeded.a.otherCreditorId) },
            { name: 'erp.csv', content: csv },
          ),
        }),
      );
    const first = await upload();
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'completed', filename: 'erp.csv', imported: 1, rejected: 1 });
    const errors = await json(await post(`/api/v1/imports/${first.body.id}/errors`));
    expect(errors.body.items).toEqual([
      {
        line: 3,
        column: 'cpf_cnpj',
        value: '000.000.000-01',
        code: 'invalid_cpf',
        reason: 'CPF check digits do not match',
      },
    ]);
    const second = await upload();
    expect(second.body).toMatchObject({ imported: 0, updated: 0, unchanged: 1, rejected: 1 });
    const list = await json(await post('/api/v1/imports'));
    expect(list.body.items?.[0]?.id).toBe(second.body.id);
  });

  it('previews a file with unknown headers and imports it with the mapping a person chose', async () => {
    const post = await loginAs(app.url, app.seeded.users.manager);
    const csv = 'REF|CLIENTE|DOC|DT_V|VLR FACE\nP-1|Joana|390.533.447-05|05/11/2026|321,00\n';
    const preview = await json(
      await post('/api/v1/imports/preview', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      }),
    );
    expect(preview.body).toMatchObject({
      delimiter: '|',
      headers: ['REF', 'CLIENTE', 'DOC', 'DT_V', 'VLR FACE'],
      missing: ['externalId', 'debtorDocument', 'dueDate', 'originalAmount'],
    });
    const mapping = {
      externalId: 'REF',
      debtorDocument: 'DOC',
      dueDate: 'DT_V',
      originalAmount: 'VLR FACE',
    };
    const mapped = await json(
      await post(`/api/v1/imports/preview?mapping=${encodeURIComponent(JSON.stringify(mapping))}`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: csv,
      }),
    );
    expect(mapped.body.missing).toEqual([]);
    const withoutMapping = await json(
      await post(`/api/v1/imports?wait=true`, {
        method: 'POST',
        body: multipart(
          { creditorId: String(app.seeded.a.otherCreditorId) },
          { name: 'x.csv', content: csv },
        ),
      }),
    );
    expect(withoutMapping.body).toMatchObject({ status: 'failed', imported: 0 });
    expect(withoutMapping.body.errorMessage).toMatch(/lacks required columns: externalId/);
    const imported = await json(
      await post(`/api/v1/imports?wait=true`, {
        method: 'POST',
        body: multipart(
          { creditorId: String(app.seeded.a.otherCreditorId), mapping: JSON.stringify(mapping) },
          { name: 'x.csv', content: csv },
        ),
      }),
    );
    expect(imported.body).toMatchObject({ status: 'completed', imported: 1, rejected: 0 });
  });

  it('accepts a background import and reports its progress until it completes', async () => {
    const post = await loginAs(app.url, app.seeded.users.manager);
    const accepted = await post(`/api/v1/imports?creditorId=${app.seeded.a.otherCreditorId}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'id;cpf_cnpj;nome;vencimento;valor\nBG-1;390.533.447-05;José;10/10/2026;70,00\n',
    });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location') ?? '';
    let status = '';
    for (let i = 0; i < 100 && status !== 'completed'; i++) {
      status = (await json(await post(location))).body.status as string;
      if (status !== 'completed') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('completed');
  });

  it('takes JSON batches from an integration with an API key', async () => {
    const admin = await loginAs(app.url, app.seeded.users.otherOrg);
    const created = await json(
      await admin('/api/v1/api-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'ERP', role: 'manager' }),
      }),
    );
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const response = await json(
      await fetch(`${app.url}/api/v1/imports?creditorId=${app.seeded.b.creditorId}&wait=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            externalId: 'API-1',
            dueDate: '2026-12-01',
            originalCents: 9990,
            debtor: { document: '390.533.447-05', name: 'Via API' },
          },
        ]),
      }),
    );
    expect(response.body).toMatchObject({ status: 'completed', imported: 1, source: 'json' });
    // The key belongs to the other organization: the first organization's creditor does not exist for it.
    const wrongTenant = await fetch(`${app.url}/api/v1/imports?creditorId=${app.seeded.a.creditorId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: SAMPLE_CSV,
    });
    expect(wrongTenant.status).toBe(404);
    await admin(`/api/v1/api-keys/${created.body.id}`, { method: 'DELETE' });
    const revoked = await fetch(`${app.url}/api/v1/creditors`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(revoked.status).toBe(401);
  });

  it('switches a member of two organizations from one to the other, and only into its own', async () => {
    const { addMember } = await import('../../src/access/accounts.ts');
    await addMember(app.db, {
      orgId: app.seeded.b.scope.orgId,
      email: app.seeded.users.collector,
      name: 'Collector Alfa',
      password: 'unused',
      role: 'manager',
    });
    const session = await loginAs(app.url, app.seeded.users.collector);
    const before = await json(await session('/api/v1/session'));
    expect((before.body.organizations as { slug: string }[]).map((o) => o.slug)).toEqual(['alfa', 'beta']);
    expect((before.body.organization as { slug: string }).slug).toBe('alfa');
    const switched = await json(
      await session('/api/v1/session/organization', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slug: 'beta' }),
      }),
    );
    expect(switched.body).toMatchObject({ organization: { slug: 'beta' }, role: 'manager' });
    const creditors = await json(await session('/api/v1/creditors'));
    expect(creditors.body.items?.map((c) => c.legalName)).toEqual(['Cliente da Beta Ltda']);
    const elsewhere = await session('/api/v1/session/organization', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'gama' }),
    });
    expect(elsewhere.status).toBe(404);
    const out = await session('/api/v1/session', { method: 'DELETE' });
    expect(out.status).toBe(204);
    expect((await session('/api/v1/creditors')).status).toBe(401);
  });

  it('refuses an oversized upload with 413 and leaves no import behind', async () => {
    const post = await loginAs(app.url, app.seeded.users.manager);
    const before = (await json(await post('/api/v1/imports'))).body.items?.length;
    const big = `id;cpf_cnpj;nome;vencimento;valor\n${'X;390.533.447-05;José;10/10/2026;70,00\n'.repeat(40_000)}`;
    const multi = await json(
      await post(`/api/v1/imports`, {
        method: 'POST',
        body: multipart({ creditorId: String(app.seeded.a.creditorId) }, { name: 'big.csv', content: big }),
      }),
    );
    expect(multi.status).toBe(413);
    expect(multi.body.detail).toMatch(/larger than 1 MB/);
    const raw = await post(`/api/v1/imports?creditorId=${app.seeded.a.creditorId}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: big,
    });
    expect(raw.status).toBe(413);
    expect((await json(await post('/api/v1/imports'))).body.items?.length).toBe(before);
  });

  it('says clearly what is wrong with a bad request', async () => {
    const post = await loginAs(app.url, app.seeded.users.manager);
    const noCreditor = await json(
      await post('/api/v1/imports', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: SAMPLE_CSV,
      }),
    );
    expect(noCreditor.status).toBe(400);
    expect(noCreditor.body.detail).toMatch(/which creditor/);
    const unknown = await json(
      await post('/api/v1/imports?creditorId=99.999.999/0001-99', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: SAMPLE_CSV,
      }),
    );
    expect(unknown.status).toBe(400);
    const wrongType = await post(`/api/v1/imports?creditorId=${app.seeded.a.creditorId}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ title: 'Unsupported media type' });
    const crossSite = await post('/api/v1/creditors', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ cnpj: '11222333000181', legalName: 'x' }),
    });
    expect(crossSite.status).toBe(403);
    const noToken = await post('/api/v1/creditors', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': '' },
      body: JSON.stringify({ cnpj: '11222333000181', legalName: 'x' }),
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ detail: expect.stringMatching(/X-CSRF-Token/) });
    const forged = await post('/api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': 'forged' } });
    expect(forged.status).toBe(403);
    expect((await post('/api/v1/creditors')).status).toBe(200);
  });
});
