import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, startTestApp } from '../support/app.ts';
import { importCsv } from '../support/seed.ts';

const CNAB = readFileSync(new URL('../../src/payments/fixtures/itau-240.ret', import.meta.url));
let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;

const upload = (call: Awaited<ReturnType<typeof loginAs>>, bytes: Buffer, filename = 'itau.ret') =>
  call(`/api/v1/payments/import?filename=${filename}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  await importCsv(
    app.db,
    app.seeded.a.scope,
    app.creditor.id,
    'id;cpf_cnpj;nome;vencimento;valor;nosso_numero\nNF-1001;123.456.789-09;João da Silva;2026-11-21;150,00;12345678\n',
  );
});
afterAll(() => app.close());

describe('payment intake over HTTP', () => {
  it('takes a CNAB 240 retorno: the paid title is settled, the overpayment kept as credit, bad lines reported', async () => {
    const response = await upload(manager, CNAB);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      format: 'cnab240',
      seenBefore: false,
      payments: 1,
      duplicates: 0,
      partiallyAllocated: 1,
      allocatedCents: 15_000,
      creditCents: 300,
      errors: [{ line: 5, reason: 'line has 239 characters, a CNAB 240 line has 240' }],
    });
    const [receivable] = await app.db.query<{ openCents: number; status: string }>(
      `select open_cents as "openCents", status from receivables where external_id = 'NF-1001'`,
    );
    expect(receivable).toEqual({ openCents: 0, status: 'paid' });
    const list = (await (await manager('/api/v1/payments')).json()) as {
      items: Array<{
        amountCents: number;
        matchedBy: string;
        debtorName: string;
        allocations: Array<{ externalId: string; cents: number }>;
      }>;
    };
    expect(list.items[0]).toMatchObject({
      amountCents: 15_300,
      matchedBy: 'nosso número 12345678',
      debtorName: 'João da Silva',
      allocations: [{ externalId: 'NF-1001', cents: 15_000 }],
    });
  });

  it('the same file imported again adds nothing, and says so', async () => {
    const again = (await (await upload(manager, CNAB)).json()) as Record<string, unknown>;
    expect(again).toMatchObject({ seenBefore: true, payments: 0, duplicates: 1, allocatedCents: 0 });
    const [count] = await app.db.query<{ n: number }>('select count(*)::int as n from payments');
    expect(count?.n).toBe(1);
  });

  it('refuses what is not a payment file, a collector cannot import, and another organization sees nothing', async () => {
    const wrong = await upload(manager, Buffer.from('id;valor\n1;2\n'));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { detail: string }).detail).toContain('CNAB 240 or 400');
    const collector = await loginAs(app.url, app.seeded.users.collector);
    expect((await upload(collector, CNAB)).status).toBe(403);
    const other = await loginAs(app.url, app.seeded.users.otherOrg);
    expect(((await (await other('/api/v1/payments')).json()) as { items: unknown[] }).items).toEqual([]);
  });
});
