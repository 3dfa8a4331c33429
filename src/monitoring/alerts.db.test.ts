import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededDatabaseForFile } from '../../test/support/seed.ts';
import { scopeFor } from '../access/scope.ts';
import { startWorker } from '../jobs/queue.ts';
import { plantAgreement } from '../kpis/golden.ts';
import { createCreditor } from '../portfolio/creditors.ts';
import { cnpjFromBase } from '../shared/documents.ts';
import { acknowledgeAlert, evaluateAlerts, listAlerts, setAlertEmail, setAlertThresholds } from './alerts.ts';
import { seedSlaHistory } from './fixture.ts';
import { ALERTS_JOB, alertsJobHandler, enqueueAlertEvaluation } from './jobs.ts';

/**
 * Alerts over a creditor's week (Monday 2026-03-09 to "now", Thursday 03-12 12:00 in São Paulo): four
 * agreements broken this week against 0-1 a week before, 2 of 20 e-mails bounced, and last week's SLAs
 * (fixture.ts) half breached. Evaluated twice, as a retried job would: raised once, e-mailed once.
 */
const fixture = seededDatabaseForFile();
const NOW = new Date('2026-03-12T15:00:00Z');
let smtp: SMTPServer;
const mails: string[] = [];
let mail: { smtpUrl: string; from: string; publicUrl: string };
let c = 0;
let managerId = 0;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  mail = {
    smtpUrl: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true`,
    from: 'Régua <nao-responda@regua.test>',
    publicUrl: 'https://regua.test',
  };
  const { db, seeded } = fixture;
  const scope = seeded.a.scope;
  c = (
    await createCreditor(db, scope, {
      cnpj: cnpjFromBase('667788990001'),
      legalName: 'Alertas Ltda',
      tradeName: 'Alertas',
      segment: null,
    })
  ).id;
  const d = (
    await createCreditor(db, scope, {
      cnpj: cnpjFromBase('667788000001'),
      legalName: 'Padrão Ltda',
      tradeName: null,
      segment: null,
    })
  ).id;
  const { debtors } = await seedSlaHistory(db, scope, { creditorId: c, defaultsCreditorId: d });
  const debtorId = debtors.e1 as number;
  const broken = (ended: string) =>
    plantAgreement(db, {
      orgId: scope.orgId,
      creditorId: c,
      debtorId,
      made: '2026-01-02T10:00-03:00',
      cents: 10_000,
      status: 'broken',
      ended,
    });
  // This week (from Monday 03-09): 4. The eight weeks before: one in the weeks of 01-26, 02-09 and 03-02.
  for (const ended of ['2026-03-09T10:00', '2026-03-10T10:00', '2026-03-11T10:00', '2026-03-12T09:00'])
    await broken(`${ended}-03:00`);
  for (const ended of ['2026-01-27T10:00', '2026-02-10T10:00', '2026-03-06T10:00'])
    await broken(`${ended}-03:00`);
  // Last week's Sunday night in São Paulo is still last week, though it is Monday in UTC.
  await broken('2026-03-08T23:30-03:00');
  for (let i = 0; i < 20; i++)
    await db.query(
      `insert into outbound_messages (org_id, creditor_id, debtor_id, channel, purpose, idempotency_key, to_address, body, status, sent_at, failed_at, last_error)
       values ($1, $2, $3, 'email', 'collection', $4, 'x@example.com', 'b', $5, '2026-03-10T13:00Z', $6, $7)`,
      [
        scope.orgId,
        c,
        debtorId,
        `alert-mail-${i}`,
        i < 2 ? 'failed' : 'delivered',
        i < 2 ? '2026-03-10T14:00Z' : null,
        i < 2 ? 'bounced 5.1.1: user unknown' : null,
      ],
    );
  const [manager] = await db.query<{ id: number }>(`select id from users where email = 'manager@alfa.test'`);
  managerId = manager?.id ?? 0;
  const managerScope = scopeFor({
    orgId: scope.orgId,
    role: 'manager',
    creditorIds: [],
    userId: managerId,
    timeZone: scope.timeZone,
  });
  await setAlertEmail(db, managerScope, true);
  // Last week's SLAs of this creditor: S1 and e1's reply met, S2 and e2's reply breached: 4 judged.
  await setAlertThresholds(db, managerScope, { slaMinJudged: 4 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('alerts', () => {
  it('raises each rule once per creditor and week, and e-mails each opted-in manager once, even when run again', async () => {
    const { db, seeded } = fixture;
    const orgId = seeded.a.scope.orgId;
    const first = await evaluateAlerts(db, orgId, { now: NOW, mail });
    expect(first.raised).toHaveLength(3);
    expect(first).toMatchObject({ sent: 3, failed: 0 });
    const again = await evaluateAlerts(db, orgId, { now: NOW, mail });
    expect(again).toEqual({ raised: [], sent: 0, failed: 0 });
    const { items, openCount } = await listAlerts(db, seeded.a.scope, { creditorId: c });
    expect(openCount).toBe(3);
    expect(items.map((a) => [a.rule, a.period, a.value, a.threshold]).sort()).toEqual([
      // trailing weeks 0,0,1,0,1,0,0,2 (the week of 03-02 has two): mean 0.5, sd 0.7071 -> 0.5 + 2 x 0.7071 = 1.91
      ['broken_agreements_spike', 'week:2026-03-09', 4, 1.91],
      ['email_bounce_rate', 'week:2026-03-09', 0.1, 0.05],
      ['sla_breach_rate', 'week:2026-03-02', 0.5, 0.2],
    ]);
    expect(mails).toHaveLength(3);
    const parsed = await Promise.all(mails.map((m) => simpleParser(m)));
    expect(parsed.map((m) => m.subject).sort()).toEqual([
      'Alerta do Régua: Descumprimento de SLA · Alertas',
      'Alerta do Régua: Pico de acordos quebrados · Alertas',
      'Alerta do Régua: Taxa de devolução de e-mails · Alertas',
    ]);
    expect(parsed.every((m) => m.to && JSON.stringify(m.to).includes('manager@alfa.test'))).toBe(true);
    expect(parsed.find((m) => m.subject?.includes('devolução'))?.text).toContain('10% dos e-mails enviados');
  });

  it('a retried job raises and sends nothing twice; the scheduler enqueues at most one evaluation an hour', async () => {
    const { db, seeded } = fixture;
    const orgId = seeded.a.scope.orgId;
    await db.query(`delete from jobs where kind = $1`, [ALERTS_JOB]);
    expect(await enqueueAlertEvaluation(db, orgId)).toBe(true);
    expect(await enqueueAlertEvaluation(db, orgId)).toBe(false);
    const handler = alertsJobHandler(db, mail, { now: () => NOW });
    const job = { id: 1, orgId, kind: ALERTS_JOB, payload: { orgId }, attempts: 1, maxAttempts: 3 };
    await handler.run(job, { extendLease: async () => {} });
    await handler.run({ ...job, attempts: 2 }, { extendLease: async () => {} });
    const [counts] = await db.query<{ alerts: number; emails: number; sent: number }>(
      `select (select count(*)::int from alerts where org_id = $1) as alerts,
              (select count(*)::int from alert_emails where org_id = $1) as emails,
              (select count(*)::int from alert_emails where org_id = $1 and status = 'sent') as sent`,
      [orgId],
    );
    expect(counts).toEqual({ alerts: 3, emails: 3, sent: 3 });
    expect(mails).toHaveLength(3);
  });

  it('through the real queue: a run that fails after raising is retried, and nothing is raised or sent twice', async () => {
    const { db, seeded } = fixture;
    const orgId = seeded.a.scope.orgId;
    await db.query('delete from alert_emails where org_id = $1', [orgId]);
    await db.query('delete from alerts where org_id = $1', [orgId]);
    await db.query('delete from jobs where kind = $1', [ALERTS_JOB]);
    const before = mails.length;
    const real = alertsJobHandler(db, mail, { now: () => NOW });
    let runs = 0;
    // Dies after its work the first time, as a worker killed before it could mark the job done.
    const flaky = {
      ...real,
      async run(job: Parameters<typeof real.run>[0], ctx: Parameters<typeof real.run>[1]) {
        runs++;
        await real.run(job, ctx);
        if (runs === 1) throw new Error('worker lost after the evaluation');
      },
    };
    expect(await enqueueAlertEvaluation(db, orgId)).toBe(true);
    const worker = startWorker(db, [flaky], { pollMs: 100 });
    try {
      for (let i = 0; i < 100; i++) {
        const [job] = await db.query<{ status: string }>('select status from jobs where kind = $1', [
          ALERTS_JOB,
        ]);
        if (job?.status === 'done') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.stop();
    }
    expect(runs).toBe(2);
    const [counts] = await db.query<{ alerts: number; sent: number }>(
      `select (select count(*)::int from alerts where org_id = $1) as alerts,
              (select count(*)::int from alert_emails where org_id = $1 and status = 'sent') as sent`,
      [orgId],
    );
    expect(counts).toEqual({ alerts: 3, sent: 3 });
    expect(mails.length - before).toBe(3);
  });

  it('keeps an e-mail queued while there is no SMTP server, and sends it once one is set', async () => {
    const { db, seeded } = fixture;
    const orgId = seeded.a.scope.orgId;
    // A new week: a new spike alert, whose e-mail waits for the mail settings.
    const later = new Date('2026-03-19T15:00:00Z');
    for (const ended of [
      '2026-03-16T10:00',
      '2026-03-17T10:00',
      '2026-03-18T10:00',
      '2026-03-18T11:00',
      '2026-03-19T09:00',
      '2026-03-19T10:00',
    ])
      await plantAgreement(db, {
        orgId,
        creditorId: c,
        debtorId:
          (
            await db.query<{ id: number }>(
              `select id from debtors where org_id = $1 and creditor_id = $2 limit 1`,
              [orgId, c],
            )
          )[0]?.id ?? 0,
        made: '2026-01-02T10:00-03:00',
        cents: 10_000,
        status: 'broken',
        ended: `${ended}-03:00`,
      });
    const before = mails.length;
    const quiet = await evaluateAlerts(db, orgId, { now: later, mail: { ...mail, smtpUrl: null } });
    expect(quiet.raised.length).toBeGreaterThan(0);
    expect(quiet.sent).toBe(0);
    const sent = await evaluateAlerts(db, orgId, { now: later, mail });
    expect(sent).toMatchObject({ raised: [], sent: quiet.raised.length });
    expect(mails.length - before).toBe(quiet.raised.length);
  });

  it('shows a client viewer its creditor’s alerts only, another organization none, and acknowledges once', async () => {
    const { db, seeded } = fixture;
    const client = scopeFor({
      orgId: seeded.a.scope.orgId,
      role: 'client_viewer',
      creditorIds: [seeded.a.creditorId],
      userId: null,
      timeZone: 'America/Sao_Paulo',
    });
    expect((await listAlerts(db, client, {})).items).toEqual([]);
    await expect(listAlerts(db, client, { creditorId: c })).rejects.toMatchObject({ status: 404 });
    const ownerOfC = { ...client, creditorIds: [c] };
    const seen = await listAlerts(db, ownerOfC, { status: 'open' });
    expect(seen.items.length).toBe(seen.openCount);
    const inB = await listAlerts(db, seeded.b.scope, {});
    expect(inB.items).toEqual([]);
    const alert = seen.items[0];
    if (!alert) throw new Error('no alert');
    await expect(acknowledgeAlert(db, seeded.b.scope, alert.id)).rejects.toMatchObject({ status: 404 });
    await expect(acknowledgeAlert(db, client, alert.id)).rejects.toMatchObject({ status: 404 });
    const manager = { ...seeded.a.scope, actor: `user:${managerId}` };
    const acknowledged = await acknowledgeAlert(db, manager, alert.id);
    expect(acknowledged.acknowledgedBy).toBe(`user:${managerId}`);
    const twice = await acknowledgeAlert(db, seeded.a.scope, alert.id);
    expect(twice.acknowledgedAt).toBe(acknowledged.acknowledgedAt);
    expect((await listAlerts(db, ownerOfC, { status: 'open' })).openCount).toBe(seen.openCount - 1);
  });
});
