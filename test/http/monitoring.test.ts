/**
 * SLAs and alerts over HTTP: a manager sees every creditor's SLAs and edits targets (audited), a client
 * viewer sees its creditor only (another creditor answers 404), another organization sees none of it;
 * alerts are listed in scope and acknowledged by monitoring:manage only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLA_PERIOD, seedSlaHistory } from '../../src/monitoring/fixture.ts';
import { loginAs, startTestApp } from '../support/app.ts';

let app: Awaited<ReturnType<typeof startTestApp>>;
let manager: Awaited<ReturnType<typeof loginAs>>;
let client: Awaited<ReturnType<typeof loginAs>>;
let collector: Awaited<ReturnType<typeof loginAs>>;
let otherOrg: Awaited<ReturnType<typeof loginAs>>;
let alertIds: number[] = [];
const period = `from=${SLA_PERIOD.from}&to=${SLA_PERIOD.to}`;

type Sla = {
  creditors: Array<{
    creditorId: number;
    targets: { firstContactDays: number; replyHours: number };
    firstContact: { met: number; breached: number; compliance: number | null };
    reply: { met: number; breached: number };
  }>;
};
type Alerts = {
  items: Array<{ id: number; creditorId: number; label: string; acknowledgedAt: string | null }>;
  openCount: number;
};

const json = (body: unknown, method = 'PUT') => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  app = await startTestApp({ worker: false });
  const { a } = app.seeded;
  await seedSlaHistory(app.db, a.scope, { creditorId: a.creditorId, defaultsCreditorId: a.otherCreditorId });
  const rows = await app.db.query<{ id: number }>(
    `insert into alerts (org_id, rule, creditor_id, period, value, threshold, details)
     values ($1, 'email_bounce_rate', $2, 'week:2026-03-09', 0.1, 0.05, '{"sent": 20, "bounced": 2}'),
            ($1, 'sla_breach_rate', $3, 'week:2026-03-02', 0.5, 0.2, '{}')
     returning id`,
    [a.scope.orgId, a.creditorId, a.otherCreditorId],
  );
  alertIds = rows.map((r) => r.id);
  manager = await loginAs(app.url, app.seeded.users.manager);
  client = await loginAs(app.url, app.seeded.users.client);
  collector = await loginAs(app.url, 'collector@alfa.test');
  otherOrg = await loginAs(app.url, app.seeded.users.otherOrg);
});

afterAll(async () => {
  await app?.close();
});

describe('GET /api/v1/slas and /api/v1/slas/breaches', () => {
  it('gives a manager every creditor and a client viewer only its own', async () => {
    const all = (await (await manager(`/api/v1/slas?${period}`)).json()) as Sla;
    const own = all.creditors.find((c) => c.creditorId === app.seeded.a.creditorId);
    expect(own?.targets).toEqual({ firstContactDays: 2, replyHours: 4 });
    expect(own?.firstContact).toMatchObject({ met: 1 });
    expect(all.creditors.map((c) => c.creditorId).sort()).toEqual(
      [app.seeded.a.creditorId, app.seeded.a.otherCreditorId].sort(),
    );
    const seen = (await (await client(`/api/v1/slas?${period}`)).json()) as Sla;
    expect(seen.creditors.map((c) => c.creditorId)).toEqual([app.seeded.a.creditorId]);
    expect((await client(`/api/v1/slas?${period}&creditorId=${app.seeded.a.otherCreditorId}`)).status).toBe(
      404,
    );
    expect(
      (await client(`/api/v1/slas/breaches?${period}&kind=reply&creditorId=${app.seeded.a.otherCreditorId}`))
        .status,
    ).toBe(404);
    const breaches = (await (await client(`/api/v1/slas/breaches?${period}&kind=first_contact`)).json()) as {
      items: Array<{ name: string; creditorId: number }>;
    };
    expect(breaches.items.map((b) => b.name)).toContain('Devedor e4');
    expect(breaches.items.every((b) => b.creditorId === app.seeded.a.creditorId)).toBe(true);
  });

  it('shows another organization nothing of this one', async () => {
    expect((await otherOrg(`/api/v1/slas?${period}&creditorId=${app.seeded.a.creditorId}`)).status).toBe(404);
    const theirs = (await (await otherOrg(`/api/v1/slas?${period}`)).json()) as Sla;
    expect(theirs.creditors.map((c) => c.creditorId)).toEqual([app.seeded.b.creditorId]);
    expect(theirs.creditors[0]?.firstContact).toMatchObject({ met: 0, breached: 0, compliance: null });
    expect((await otherOrg(`/api/v1/creditors/${app.seeded.a.creditorId}/sla-targets`)).status).toBe(404);
  });

  it('refuses a bad period or kind with a 400', async () => {
    expect((await manager('/api/v1/slas?from=2026-04-01&to=2026-03-01')).status).toBe(400);
    expect((await manager('/api/v1/slas?from=2024-01-01&to=2026-03-01')).status).toBe(400);
    expect((await manager(`/api/v1/slas/breaches?${period}&kind=other`)).status).toBe(400);
  });
});

describe('GET /api/v1/slas/breaches/export.csv', () => {
  it('exports every breach in scope as CSV: a client viewer only its creditor’s, another organization none', async () => {
    const response = await manager(`/api/v1/slas/breaches/export.csv?${period}&kind=first_contact`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await response.text())
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter((l) => l !== '');
    expect(lines[0]).toBe(
      'Devedor;Código do devedor;Código da carteira;Em atraso desde;Primeiro contato em;Dias até o contato;Meta (dias)',
    );
    expect(lines.some((l) => l.startsWith('Devedor e2;') && l.endsWith(';5;2'))).toBe(true);
    const own = await (await client(`/api/v1/slas/breaches/export.csv?${period}&kind=first_contact`)).text();
    expect(own).not.toContain('Devedor f1');
    expect(own).toContain('Devedor e4');
    const theirs = await (await otherOrg(`/api/v1/slas/breaches/export.csv?${period}&kind=reply`)).text();
    expect(
      theirs
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter((l) => l !== ''),
    ).toHaveLength(1);
    expect(
      (
        await client(
          `/api/v1/slas/breaches/export.csv?${period}&kind=reply&creditorId=${app.seeded.a.otherCreditorId}`,
        )
      ).status,
    ).toBe(404);
  });
});

describe('SLA targets', () => {
  it('are set by a manager (audited), not by a client viewer or a collector', async () => {
    const path = `/api/v1/creditors/${app.seeded.a.otherCreditorId}/sla-targets`;
    expect(await (await manager(path)).json()).toEqual({
      firstContactDays: 3,
      replyHours: 24,
      custom: false,
    });
    expect((await client(path, json({ firstContactDays: 1, replyHours: 2 }))).status).toBe(403);
    expect((await collector(path, json({ firstContactDays: 1, replyHours: 2 }))).status).toBe(403);
    const set = await manager(path, json({ firstContactDays: 5, replyHours: 8 }));
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ firstContactDays: 5, replyHours: 8, custom: true });
    expect((await manager(path, json({ firstContactDays: 5, replyHours: 0 }))).status).toBe(400);
    const [audit] = await app.db.query<{ actor: string; after: unknown }>(
      `select actor, after from audit_log where org_id = $1 and action = 'settings.sla_targets'`,
      [app.seeded.a.scope.orgId],
    );
    expect(audit?.after).toEqual({ firstContactDays: 5, replyHours: 8 });
    expect(audit?.actor).toMatch(/^user:\d+$/);
  });
});

describe('alerts', () => {
  it('lists alerts in scope with the open count for the header badge', async () => {
    const all = (await (await manager('/api/v1/alerts?status=open')).json()) as Alerts;
    expect(all.openCount).toBe(2);
    expect(all.items.map((a) => a.label).sort()).toEqual([
      'Descumprimento de SLA',
      'Taxa de devolução de e-mails',
    ]);
    const seen = (await (await client('/api/v1/alerts')).json()) as Alerts;
    expect(seen.openCount).toBe(1);
    expect(seen.items.map((a) => a.creditorId)).toEqual([app.seeded.a.creditorId]);
    expect((await client(`/api/v1/alerts?creditorId=${app.seeded.a.otherCreditorId}`)).status).toBe(404);
    const theirs = (await (await otherOrg('/api/v1/alerts')).json()) as Alerts;
    expect(theirs).toMatchObject({ items: [], openCount: 0 });
  });

  it('is acknowledged by a manager only, once; another organization cannot find it', async () => {
    const [first] = alertIds;
    expect((await client(`/api/v1/alerts/${first}/acknowledge`, { method: 'POST' })).status).toBe(403);
    expect((await otherOrg(`/api/v1/alerts/${first}/acknowledge`, { method: 'POST' })).status).toBe(404);
    const done = await manager(`/api/v1/alerts/${first}/acknowledge`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(((await done.json()) as { acknowledgedAt: string | null }).acknowledgedAt).not.toBeNull();
    const open = (await (await manager('/api/v1/alerts?status=open')).json()) as Alerts;
    expect(open.openCount).toBe(1);
  });

  it('keeps thresholds and the e-mail opt-in for managers', async () => {
    expect((await client('/api/v1/alert-settings')).status).toBe(403);
    const before = (await (await manager('/api/v1/alert-settings')).json()) as {
      thresholds: { bounceRate: number };
      emailOptIn: boolean;
    };
    expect(before).toMatchObject({ thresholds: { bounceRate: 0.05 }, emailOptIn: false });
    const set = await manager('/api/v1/alert-settings', json({ bounceRate: 0.1 }));
    expect(((await set.json()) as { thresholds: { bounceRate: number } }).thresholds.bounceRate).toBe(0.1);
    expect((await manager('/api/v1/alert-settings', json({ bounceRate: 3 }))).status).toBe(400);
    const optIn = await manager('/api/v1/alert-settings/email', json({ subscribed: true }));
    expect(((await optIn.json()) as { emailOptIn: boolean }).emailOptIn).toBe(true);
    expect((await collector('/api/v1/alert-settings/email', json({ subscribed: true }))).status).toBe(403);
  });
});
