/**
 * BPO billing over HTTP: a manager sets the issuer and the fee terms and issues a closed month once; a
 * client viewer reads its own creditor's statement (PDF and CSV too) and gets 404 for another creditor;
 * a collector and a client viewer cannot issue; an open month is a partial preview that cannot be
 * issued; another organization sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TIERS, plantBillingExample } from '../../src/billing/example.ts';
import { todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let collector: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;

type Statement = {
  state: string;
  partial: boolean;
  note: string;
  number: number | null;
  totalCents: number;
  successFeeCents: number;
  lines: Array<{ receivable: string; feeCents: number; daysLate: number }>;
};

const json = (body: unknown) => ({
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  await plantBillingExample(app.db, app.seeded.a.scope, app.seeded.a.creditorId);
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  collector = await loginAs(app.url, app.seeded.users.collector);
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
});

afterAll(async () => {
  await app?.close();
});

describe('fee terms and issuer', () => {
  it('a manager sets them; unsound terms answer 400 with every problem in pt-BR', async () => {
    const id = app.seeded.a.creditorId;
    const bad = await manager(
      `/api/v1/creditors/${id}/fee-terms`,
      json({
        effectiveMonth: '2026-01',
        monthlyFeeCents: 150_000,
        successFeeBasisPoints: null,
        tiers: [{ fromDays: 1, toDays: 30, basisPoints: 500 }],
      }),
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: string[] }).problems).toEqual([
      'Faixa 1: a última faixa deve ficar sem fim ("ou mais"), para cobrir todo atraso.',
    ]);
    const ok = await manager(
      `/api/v1/creditors/${id}/fee-terms`,
      json({
        effectiveMonth: '2026-01',
        monthlyFeeCents: 150_000,
        successFeeBasisPoints: null,
        tiers: EXAMPLE_TIERS,
      }),
    );
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { versions: unknown[] }).versions).toHaveLength(1);
    const issuer = await manager(
      '/api/v1/billing/issuer',
      json({ legalName: 'Alfa BPO Cobranças Ltda', cnpj: '11.444.777/0001-61', address: null }),
    );
    expect(issuer.status).toBe(200);
  });

  it('a collector and a client viewer cannot change them; a client viewer reads only its creditor’s', async () => {
    const id = app.seeded.a.creditorId;
    const body = { effectiveMonth: '2026-02', monthlyFeeCents: 0, successFeeBasisPoints: 100, tiers: [] };
    expect((await collector(`/api/v1/creditors/${id}/fee-terms`, json(body))).status).toBe(403);
    expect((await client(`/api/v1/creditors/${id}/fee-terms`, json(body))).status).toBe(403);
    expect((await client(`/api/v1/creditors/${id}/fee-terms`)).status).toBe(200);
    expect((await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/fee-terms`)).status).toBe(404);
  });
});

describe('fee statements', () => {
  it('a client viewer sees its creditor’s statement of March 2026, and 404 for another creditor', async () => {
    const response = await client(`/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/2026-03`);
    expect(response.status).toBe(200);
    const s = (await response.json()) as Statement;
    expect(s).toMatchObject({ state: 'closed', number: null, successFeeCents: 32_763, totalCents: 182_763 });
    expect(s.lines.map((l) => [l.receivable, l.daysLate, l.feeCents])).toEqual([
      ['E-R1', 13, 1666],
      ['E-R2', 69, 12_346],
      ['E-R3', 125, 15_000],
      ['AC-E5-1', 117, 3751],
    ]);
    const other = await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/fee-statements/2026-03`);
    expect(other.status).toBe(404);
    expect((await client(`/api/v1/creditors/${app.seeded.a.otherCreditorId}/fee-statements`)).status).toBe(
      404,
    );
    const month = (await (await client('/api/v1/fee-statements?month=2026-03')).json()) as {
      items: Array<{ creditor: { id: number } }>;
    };
    expect(month.items.map((i) => i.creditor.id)).toEqual([app.seeded.a.creditorId]);
  });

  it('another organization does not see it', async () => {
    const response = await otherOrg(`/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/2026-03`);
    expect(response.status).toBe(404);
  });

  it('a collector and a client viewer cannot issue; a manager issues once, and again gets the same statement', async () => {
    const path = `/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/2026-03/issue`;
    expect((await collector(path, { method: 'POST' })).status).toBe(403);
    expect((await client(path, { method: 'POST' })).status).toBe(403);
    const first = await manager(path, { method: 'POST' });
    expect(first.status).toBe(201);
    const issued = (await first.json()) as Statement;
    expect(issued).toMatchObject({ state: 'issued', number: 1, totalCents: 182_763 });
    const again = await manager(path, { method: 'POST' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as Statement).number).toBe(1);
    const list = (await (
      await client(`/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements`)
    ).json()) as {
      items: Array<{ month: string; number: number }>;
    };
    expect(list.items.map((i) => [i.month, i.number])).toEqual([['2026-03', 1]]);
  });

  it('the current month is a partial preview and cannot be issued', async () => {
    const month = todayIn(app.seeded.a.scope.timeZone).slice(0, 7);
    const base = `/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/${month}`;
    const preview = (await (await client(base)).json()) as Statement;
    expect(preview).toMatchObject({
      state: 'open',
      partial: true,
      note: 'Período em andamento — prévia, sujeita a alteração.',
    });
    const refused = await manager(`${base}/issue`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain('ainda não terminou');
    expect(
      (await manager(`/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/2026-13`)).status,
    ).toBe(400);
  });

  it('downloads as PDF and as CSV (UTF-8 with BOM, ;-separated, pt-BR decimals), each download audited', async () => {
    const base = `/api/v1/creditors/${app.seeded.a.creditorId}/fee-statements/2026-03`;
    const pdf = await client(`${base}/statement.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toContain('fatura-1.pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const csv = await client(`${base}/statement.csv`);
    expect(csv.status).toBe(200);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('Fatura de honorários nº 1 — 03/2026');
    expect(text).toMatch(
      /\r\n1;\d+;05\/03\/2026;Devedor E1;[^;]+;E-R1;;20\/02\/2026;13;333,33;5;16,6665;16,66;não\r\n/,
    );
    expect(text).toContain('total;1827,63');
    const audits = await app.db.query<{ actor: string; after: { format: string; month: string } }>(
      `select actor, after from audit_log where action = 'export.fee_statement' order by seq`,
    );
    expect(audits.map((a) => [a.after.format, a.after.month])).toEqual([
      ['pdf', '2026-03'],
      ['csv', '2026-03'],
    ]);
  });
});
