/**
 * The KPIs (indicadores) over HTTP: a manager gets the report of the organization, a client viewer only
 * its creditor's (another creditor is a 404), another organization sees none of this one's debtors, a
 * drill-down lists the debtors behind a figure a page at a time, and bad input answers 400 or 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../src/shared/dates.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;
let today = '';
let period = '';

type Report = {
  period: { from: string; to: string; asOf: string; complete: boolean };
  scope: { creditorIds: number[] | null };
  aging: {
    totalCents: number;
    count: number;
    buckets: Array<{ bucket: string; cents: number; count: number }>;
  };
  dso: { standard: number | null };
  recovery: { rate: number | null };
  notes: string[];
};
type DebtorPage = {
  items: Array<{ debtorId: number; name: string; cents: number; count: number }>;
  nextCursor: string | null;
};

const get = async <T>(as: typeof manager, path: string) => {
  const response = await as(path);
  return { status: response.status, body: (await response.json()) as T };
};

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
  today = todayIn(app.seeded.a.scope.timeZone);
  period = `from=${today.slice(0, 8)}01&to=${today}`;
});

afterAll(async () => {
  await app?.close();
});

describe('GET /api/v1/kpis', () => {
  it('answers the whole organization’s report for a manager', async () => {
    const { status, body } = await get<Report>(manager, `/api/v1/kpis?${period}`);
    expect(status).toBe(200);
    expect(body.period).toMatchObject({ to: today, asOf: today, complete: false });
    // Seed: Maria 1.234,56 + 200,00, Padaria 10.000,00 (Cliente Um), José 99,90 (Cliente Dois).
    expect(body.aging.totalCents).toBe(123456 + 20000 + 1000000 + 9990);
    expect(body.aging.buckets.map((b) => b.bucket)).toEqual([
      'current',
      '0-30',
      '31-60',
      '61-90',
      '91-180',
      '180+',
    ]);
    expect(body.notes.some((n) => n.includes('ainda não fechou'))).toBe(true);
  });

  it('limits a client viewer to its creditor, and another creditor is not found', async () => {
    const own = await get<Report>(client, `/api/v1/kpis?${period}`);
    expect(own.status).toBe(200);
    expect(own.body.aging.totalCents).toBe(123456 + 20000 + 1000000);
    const named = await get<Report>(client, `/api/v1/kpis?${period}&creditorId=${app.seeded.a.creditorId}`);
    expect(named.status).toBe(200);
    expect(named.body.aging.totalCents).toBe(own.body.aging.totalCents);
    const other = await client(`/api/v1/kpis?${period}&creditorId=${app.seeded.a.otherCreditorId}`);
    expect(other.status).toBe(404);
    const drill = await client(
      `/api/v1/kpis/debtors?${period}&creditorId=${app.seeded.a.otherCreditorId}&figure=aging&bucket=180%2B`,
    );
    expect(drill.status).toBe(404);
  });

  it('shows another organization nothing of this one: its creditor is not found, its totals are its own', async () => {
    const foreign = await otherOrg(`/api/v1/kpis?${period}&creditorId=${app.seeded.a.creditorId}`);
    expect(foreign.status).toBe(404);
    const own = await get<Report>(otherOrg, `/api/v1/kpis?${period}`);
    expect(own.status).toBe(200);
    expect(own.body.aging.totalCents).toBe(7700);
    const drill = await get<DebtorPage>(
      otherOrg,
      `/api/v1/kpis/debtors?${period}&figure=aging&bucket=180%2B`,
    );
    expect(drill.status).toBe(200);
    expect(drill.body.items.map((d) => d.name)).toEqual(['Maria na Beta']);
  });

  it('answers a period with no data with zeros and no made-up ratios', async () => {
    const { status, body } = await get<Report>(manager, '/api/v1/kpis?from=2020-01-01&to=2020-01-31');
    expect(status).toBe(200);
    expect(body.period.complete).toBe(true);
    expect(body.aging.totalCents).toBe(0);
    expect(body.dso.standard).toBeNull();
    expect(body.recovery.rate).toBeNull();
  });

  it('refuses a future as-of date, a reversed period and a malformed date with a 400', async () => {
    const future = await manager(`/api/v1/kpis?${period}&asOf=${addDays(today, 1)}`);
    expect(future.status).toBe(400);
    expect(((await future.json()) as { detail: string }).detail).toContain('future');
    expect((await manager(`/api/v1/kpis?from=${today}&to=2020-01-01`)).status).toBe(400);
    expect((await manager('/api/v1/kpis?from=ontem&to=hoje')).status).toBe(400);
    expect((await manager('/api/v1/kpis')).status).toBe(400);
  });
});

describe('GET /api/v1/kpis/debtors', () => {
  it('lists the debtors behind an aging bucket, largest first, a page at a time', async () => {
    const first = await get<DebtorPage>(
      manager,
      `/api/v1/kpis/debtors?${period}&figure=aging&bucket=180%2B&limit=1`,
    );
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      expect.objectContaining({ name: 'Padaria Estrela Ltda', cents: 1000000, count: 1 }),
    ]);
    expect(first.body.nextCursor).not.toBeNull();
    const rest = await get<DebtorPage>(
      manager,
      `/api/v1/kpis/debtors?${period}&figure=aging&bucket=180%2B&limit=10&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
    );
    expect(rest.status).toBe(200);
    expect(rest.body.items.map((d) => d.name)).toEqual(['Maria da Silva', 'José Dois']);
    expect(rest.body.items[0]?.cents).toBe(123456 + 20000);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('says what a figure needs when it is missing', async () => {
    const response = await manager(`/api/v1/kpis/debtors?${period}&figure=aging`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain('bucket');
    expect((await manager(`/api/v1/kpis/debtors?${period}&figure=promises&outcome=maybe`)).status).toBe(400);
    expect((await manager(`/api/v1/kpis/debtors?${period}&figure=nothing`)).status).toBe(400);
  });
});

type Curve = {
  asOf: string;
  cohorts: Array<{
    month: string;
    overdueCents: number;
    receivables: number;
    points: Array<{ share: number | null }>;
  }>;
};
type Trend = {
  months: Array<{ month: string; receivablesCents: number; standard: number | null; complete: boolean }>;
};

describe('GET /api/v1/kpis/recovery-curve and /api/v1/kpis/dso-trend', () => {
  const january = (curve: Curve) => curve.cohorts.find((c) => c.month === '2026-01');

  it('answers each its own endpoint, scoped like the dashboard: a client viewer sees its creditor only', async () => {
    const all = await get<Curve>(manager, '/api/v1/kpis/recovery-curve?to=2026-06-30&months=6');
    expect(all.status).toBe(200);
    expect(all.body.cohorts.map((c) => c.month)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
    ]);
    // Fell due in January and still unpaid: T-1 1.234,56 (Cliente Um) and D-1 99,90 (Cliente Dois).
    expect(january(all.body)).toMatchObject({ overdueCents: 123456 + 9990, receivables: 2 });
    expect(all.body.cohorts.find((c) => c.month === '2026-04')).toMatchObject({
      overdueCents: 0,
      points: [],
    });
    const own = await get<Curve>(client, '/api/v1/kpis/recovery-curve?to=2026-06-30&months=6');
    expect(january(own.body)).toMatchObject({ overdueCents: 123456, receivables: 1 });
    expect(
      (await client(`/api/v1/kpis/recovery-curve?creditorId=${app.seeded.a.otherCreditorId}`)).status,
    ).toBe(404);
    expect((await client(`/api/v1/kpis/dso-trend?creditorId=${app.seeded.a.otherCreditorId}`)).status).toBe(
      404,
    );

    const trend = await get<Trend>(manager, '/api/v1/kpis/dso-trend?to=2026-03-31&months=3');
    expect(trend.status).toBe(200);
    expect(trend.body.months.map((m) => m.month)).toEqual(['2026-01', '2026-02', '2026-03']);
    const clientTrend = await get<Trend>(client, '/api/v1/kpis/dso-trend?to=2026-03-31&months=3');
    expect(clientTrend.body.months.at(-1)?.receivablesCents).toBe(123456 + 20000 + 1000000);
    const twelve = await get<Trend>(manager, '/api/v1/kpis/dso-trend');
    expect(twelve.body.months).toHaveLength(12);
    expect(twelve.body.months.at(-1)).toMatchObject({ month: today.slice(0, 7), complete: false });
  });

  it('never shows another organization’s numbers', async () => {
    const foreign = await otherOrg(`/api/v1/kpis/recovery-curve?creditorId=${app.seeded.a.creditorId}`);
    expect(foreign.status).toBe(404);
    const own = await get<Curve>(otherOrg, '/api/v1/kpis/recovery-curve?to=2026-06-30&months=6');
    expect(january(own.body)).toMatchObject({ overdueCents: 7700, receivables: 1 });
    const trend = await get<Trend>(otherOrg, '/api/v1/kpis/dso-trend?to=2026-03-31&months=1');
    expect(trend.body.months[0]?.receivablesCents).toBe(7700);
  });

  it('refuses a bad number of months or date with a 400', async () => {
    expect((await manager('/api/v1/kpis/recovery-curve?months=0')).status).toBe(400);
    expect((await manager('/api/v1/kpis/dso-trend?months=99')).status).toBe(400);
    expect((await manager('/api/v1/kpis/dso-trend?to=hoje')).status).toBe(400);
    const drill = await get<DebtorPage>(
      manager,
      `/api/v1/kpis/debtors?${period}&figure=cohort&month=2026-01`,
    );
    expect(drill.status).toBe(200);
    expect(drill.body.items.map((d) => d.name).sort()).toEqual(['José Dois', 'Maria da Silva']);
    expect((await manager(`/api/v1/kpis/debtors?${period}&figure=cohort`)).status).toBe(400);
    const csv = await client(`/api/v1/kpis/debtors/export.csv?${period}&figure=cohort&month=2026-01`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(
      (await csv.text())
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter((l) => l !== ''),
    ).toEqual([
      'Devedor;Código do devedor;Valor (R$);Itens',
      expect.stringMatching(/^Maria da Silva;\d+;1234,56;1$/),
    ]);
  });
});
